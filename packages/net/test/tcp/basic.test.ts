import { describe, expect, it } from 'vitest';
import { TcpError, TcpEvent, TcpState } from '../../src/tcp/types.js';
import { ADDR_A, ADDR_B, dropTotal, Net, RST, SYN } from './harness.js';

function pair(net: Net, port = 80) {
  const l = net.b.listen(port);
  const c = net.a.connect(ADDR_B, port);
  net.run(net.clock.t + 5000, () => c.state === TcpState.Established && l.queued > 0);
  const s = l.accept();
  if (s === null) throw new Error('no accept');
  return { l, c, s };
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('tcp basics', () => {
  it('three-way handshake, events, options', () => {
    const net = new Net();
    const l = net.b.listen(80);
    const levs: TcpEvent[] = [];
    l.onEvent((e) => levs.push(e));
    const c = net.a.connect(ADDR_B, 80);
    const evs: TcpEvent[] = [];
    c.onEvent((e) => evs.push(e));
    expect(c.state).toBe(TcpState.SynSent);
    net.run(1000, () => l.queued > 0);
    expect(c.state).toBe(TcpState.Established);
    expect(evs).toContain(TcpEvent.Connected);
    expect(levs).toEqual([TcpEvent.Acceptable]);
    const s = l.accept();
    expect(s?.state).toBe(TcpState.Established);
    expect(l.accept()).toBeNull();
    expect(c.mss).toBe(1460);
    expect(s?.remoteAddress).toBe(ADDR_A);
    const syn = net.trace[0];
    expect(syn.flags).toBe(SYN);
    // 64 KiB buffers: window scale 1 offered and agreed both ways.
    expect(c.rcvScale).toBe(1);
    expect(s?.sndScale).toBe(1);
    expect(net.ca.get('tcp.conn.open')).toBe(1);
    expect(net.cb.get('tcp.conn.active')).toBe(1);
  });

  it('data both ways, half-close, close from each side', () => {
    const net = new Net();
    const { c, s } = pair(net);
    expect(c.write(text('hello'))).toBe(5);
    expect(s.write(text('world!'))).toBe(6);
    net.advance(200);
    expect(str(s.read())).toBe('hello');
    expect(str(c.read(3))).toBe('wor');
    expect(str(c.read())).toBe('ld!');
    expect(c.read()).toBeNull();
    c.shutdown();
    expect(c.state).toBe(TcpState.FinWait1);
    net.advance(200);
    expect(c.state).toBe(TcpState.FinWait2);
    expect(s.state).toBe(TcpState.CloseWait);
    expect(s.read()?.length).toBe(0);
    expect(s.ended).toBe(true);
    // The half-closed side still receives.
    s.write(text('after'));
    net.advance(200);
    expect(str(c.read())).toBe('after');
    expect(c.write(text('x'))).toBe(0);
    s.close();
    expect(s.state).toBe(TcpState.LastAck);
    net.advance(200);
    expect(s.state).toBe(TcpState.Closed);
    expect(c.state).toBe(TcpState.TimeWait);
    expect(net.b.connectionCount).toBe(0);
    net.advance(2 * 30000 + 10);
    expect(c.state).toBe(TcpState.Closed);
    expect(net.a.connectionCount).toBe(0);
    expect(net.ca.get('tcp.conn.active')).toBe(0);
  });

  it('server closes first; TIME-WAIT on the server, MSL configurable', () => {
    const net = new Net({}, {}, { msl: 100 });
    const { c, s } = pair(net);
    s.close();
    net.advance(100);
    expect(c.state).toBe(TcpState.CloseWait);
    c.close();
    net.advance(50);
    expect(s.state).toBe(TcpState.TimeWait);
    expect(c.state).toBe(TcpState.Closed);
    net.advance(120);
    expect(s.state).toBe(TcpState.TimeWait);
    net.advance(100);
    expect(s.state).toBe(TcpState.Closed);
  });

  it('simultaneous close goes through CLOSING to TIME-WAIT on both sides', () => {
    const net = new Net({}, { msl: 50 }, { msl: 50 });
    const { c, s } = pair(net);
    c.close();
    s.close();
    const seen = new Set<string>();
    net.run(net.clock.t + 30, () => {
      seen.add(c.state);
      seen.add(s.state);
      return false;
    });
    expect(seen.has(TcpState.Closing)).toBe(true);
    expect(c.state).toBe(TcpState.TimeWait);
    expect(s.state).toBe(TcpState.TimeWait);
    net.advance(200);
    expect(net.a.connectionCount + net.b.connectionCount).toBe(0);
  });

  it('RST on a closed port: connect refused', () => {
    const net = new Net();
    const c = net.a.connect(ADDR_B, 81);
    const evs: TcpEvent[] = [];
    c.onEvent((e) => evs.push(e));
    net.run(1000, () => c.state === TcpState.Closed);
    expect(c.error).toBe(TcpError.Refused);
    expect(evs).toEqual([TcpEvent.Error, TcpEvent.Closed]);
    expect(net.cb.get('tcp.rst.sent')).toBe(1);
    expect(net.cb.get('tcp.drop.no-socket')).toBe(1);
    expect(net.a.connectionCount).toBe(0);
  });

  it('abort sends RST and the peer sees reset', () => {
    const net = new Net();
    const { c, s } = pair(net);
    c.abort();
    expect(c.state).toBe(TcpState.Closed);
    expect(c.error).toBeNull();
    net.advance(100);
    expect(s.state).toBe(TcpState.Closed);
    expect(s.error).toBe(TcpError.Reset);
    expect(s.read()).toBeNull();
  });

  it('RFC 5961: an in-window RST that is not exact draws a challenge ACK; a SYN too', () => {
    const net = new Net();
    const { c, s } = pair(net);
    const seg = forge(c.localPort, 80, (s.rcvNxt + 100) >>> 0, 0, RST, ADDR_A, ADDR_B);
    net.inject('b', ADDR_A, ADDR_B, seg);
    expect(s.state).toBe(TcpState.Established);
    expect(net.cb.get('tcp.challenge-ack')).toBe(1);
    expect(net.cb.get('tcp.drop.rst-in-window')).toBe(1);
    const syn = forge(c.localPort, 80, 12345, 0, SYN, ADDR_A, ADDR_B);
    net.inject('b', ADDR_A, ADDR_B, syn);
    expect(s.state).toBe(TcpState.Established);
    expect(net.cb.get('tcp.challenge-ack')).toBe(2);
    // The exact RST resets.
    net.inject('b', ADDR_A, ADDR_B, forge(c.localPort, 80, s.rcvNxt, 0, RST, ADDR_A, ADDR_B));
    expect(s.error).toBe(TcpError.Reset);
    expect(dropTotal(net.cb)).toBeGreaterThanOrEqual(2);
  });
});

import { buildSegment, SegmentOut } from '../../src/tcp/segment.js';

export function forge(
  sp: number,
  dp: number,
  seq: number,
  ack: number,
  flags: number,
  src: number,
  dst: number,
  data = 0,
): Uint8Array {
  const h = new SegmentOut();
  h.srcPort = sp;
  h.dstPort = dp;
  h.seq = seq;
  h.ack = ack;
  h.flags = flags;
  h.window = 1000;
  return buildSegment(src, dst, h, data, data > 0 ? (b, at) => b.fill(0x41, at, at + data) : null);
}
