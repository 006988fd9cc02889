import { describe, expect, it } from 'vitest';
import { buildSegment, SegmentOut } from '../../src/tcp/segment.js';
import { TcpError, TcpState } from '../../src/tcp/types.js';
import { ADDR_A, ADDR_B, Net, SYN } from './harness.js';

function syn(sp: number, seq: number): Uint8Array {
  const h = new SegmentOut();
  h.srcPort = sp;
  h.dstPort = 80;
  h.seq = seq;
  h.flags = SYN;
  h.window = 1000;
  return buildSegment(ADDR_A, ADDR_B, h, 0, null);
}

describe('tcp timers and limits', () => {
  it('SYN retransmission follows RFC 6298: 1 s, then doubling; then timeout', () => {
    const net = new Net({}, { synRetries: 4 });
    net.blackhole.a = true;
    const c = net.a.connect(ADDR_B, 80);
    net.run(100000, () => c.state === TcpState.Closed);
    const times = net.trace.filter((t) => t.from === 'a' && t.flags === SYN).map((t) => t.t);
    expect(times).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(c.error).toBe(TcpError.Timeout);
  });

  it('RTO from the first sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4 RTTVAR), then backoff', () => {
    const net = new Net({ delay: 100 }, { maxRto: 5000 });
    const l = net.b.listen(80);
    const c = net.a.connect(ADDR_B, 80);
    net.run(5000, () => l.queued > 0);
    expect(c.rtt.srtt).toBe(200);
    expect(c.rtt.rttvar).toBe(100);
    expect(c.rtt.rto).toBe(600);
    net.blackhole.a = true;
    const t0 = net.clock.t;
    c.write(new Uint8Array(100));
    net.advance(20000);
    const times = net.trace.filter((t) => t.from === 'a' && t.len === 100).map((t) => t.t - t0);
    expect(times.slice(0, 6)).toEqual([0, 600, 1800, 4200, 9000, 14000]);
  });

  it('SYN backlog is bounded: a burst within one RTO is dropped, not reset; half-open connections that waited an RTO make room', () => {
    const net = new Net();
    net.blackhole.b = true; // spoofed sources: the SYN-ACKs are never answered
    const l = net.b.listen(80, { backlog: 2 });
    for (let i = 0; i < 5; i++) net.inject('b', ADDR_A, ADDR_B, syn(1000 + i, i * 1000));
    expect(l.embryonic).toBe(2);
    expect(net.cb.get('tcp.drop.backlog-full')).toBe(3);
    expect(net.cb.get('tcp.syn.evicted') ?? 0).toBe(0);
    net.advance(1500); // past the first SYN-ACK retransmission (RTO 1 s)
    for (let i = 0; i < 3; i++) net.inject('b', ADDR_A, ADDR_B, syn(2000 + i, i * 1000));
    expect(net.cb.get('tcp.syn.evicted')).toBe(2);
    expect(net.cb.get('tcp.rst.sent')).toBe(2);
    expect(net.cb.get('tcp.drop.backlog-full')).toBe(4);
    expect(l.embryonic).toBe(2);
    expect(net.b.connectionCount).toBe(2);
  });

  it('SYN backlog full of connections not yet accepted: new SYNs are dropped and counted', () => {
    const net = new Net();
    const l = net.b.listen(80, { backlog: 2 });
    net.a.connect(ADDR_B, 80);
    net.a.connect(ADDR_B, 80);
    net.run(net.clock.t + 1000, () => l.queued === 2);
    expect(l.queued).toBe(2);
    net.a.connect(ADDR_B, 80);
    net.run(net.clock.t + 100, () => false);
    expect(net.cb.get('tcp.drop.backlog-full')).toBe(1);
    expect(net.cb.get('tcp.syn.evicted') ?? 0).toBe(0);
    expect(l.queued).toBe(2);
  });

  it('10,000 connections in sequence leave both tables empty after TIME-WAIT', () => {
    const net = new Net({ delay: 1 }, { msl: 5 }, { msl: 5 });
    const l = net.b.listen(80);
    for (let i = 0; i < 10000; i++) {
      const c = net.a.connect(ADDR_B, 80);
      net.run(net.clock.t + 1000, () => l.queued > 0);
      const s = l.accept();
      if (s === null) throw new Error(`no accept at ${i}`);
      c.close();
      net.run(net.clock.t + 1000, () => s.state === TcpState.CloseWait);
      s.close();
      net.run(net.clock.t + 1000, () => c.state === TcpState.TimeWait);
    }
    net.advance(100);
    expect(net.a.connectionCount).toBe(0);
    expect(net.b.connectionCount).toBe(0);
    expect(net.ca.get('tcp.conn.open')).toBe(10000);
  });
});
