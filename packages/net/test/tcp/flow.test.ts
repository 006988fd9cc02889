import { describe, expect, it } from 'vitest';
import { TcpError, TcpState } from '../../src/tcp/types.js';
import { ADDR_B, Net } from './harness.js';

function pair(net: Net) {
  const l = net.b.listen(80);
  const c = net.a.connect(ADDR_B, 80);
  net.run(net.clock.t + 5000, () => l.queued > 0);
  const s = l.accept();
  if (s === null) throw new Error('no accept');
  return { c, s };
}

describe('tcp flow control and recovery', () => {
  it('zero window: back-pressure, persist probes, then resume', () => {
    const net = new Net({}, {}, { receiveBuffer: 8192 });
    const { c, s } = pair(net);
    const data = new Uint8Array(40000).map((_, i) => i & 0xff);
    let sent = c.write(data);
    net.advance(3000);
    expect(s.readableBytes).toBe(8192);
    expect(net.ca.get('tcp.persist-probe')).toBeGreaterThan(0);
    const got: number[] = [];
    net.run(net.clock.t + 60000, () => {
      if (sent < data.length) sent += c.write(data, sent, data.length - sent);
      for (let b = s.read(); b !== null && b.length > 0; b = s.read()) for (const x of b) got.push(x);
      return got.length === data.length;
    });
    expect(got.length).toBe(data.length);
    expect(got.every((x, i) => x === (i & 0xff))).toBe(true);
  });

  it('fast retransmit after 3 dup ACKs', () => {
    const net = new Net({ delay: 20 });
    const { c, s } = pair(net);
    let dropped = false;
    let n = 0;
    const orig = net.enqueue.bind(net);
    net.enqueue = (from, src, dst, bytes) => {
      const len = bytes.length - (bytes[12] >> 4) * 4;
      if (!dropped && from === 'a' && len > 0 && ++n === 8) {
        dropped = true;
        return;
      }
      orig(from, src, dst, bytes);
    };
    c.write(new Uint8Array(20000));
    net.advance(300);
    expect(net.ca.get('tcp.fast-retransmit')).toBe(1);
    expect(net.ca.get('tcp.rto-expired')).toBe(0);
    net.advance(1000);
    expect(s.readableBytes).toBe(20000);
  });

  it('keep-alive detects a dead peer', () => {
    const net = new Net(
      {},
      { keepAlive: true, keepAliveIdle: 1000, keepAliveInterval: 100, keepAliveProbes: 3 },
    );
    const { c } = pair(net);
    net.blackhole.b = true;
    net.advance(2000);
    expect(c.state).toBe(TcpState.Closed);
    expect(c.error).toBe(TcpError.Timeout);
    expect(net.ca.get('tcp.keepalive.probe')).toBe(3);
  });

  it('500 connections at once, then all closed', () => {
    const net = new Net({ delay: 1 }, { msl: 5 }, { msl: 5 });
    const l = net.b.listen(80, { backlog: 600 });
    const cs = [];
    for (let i = 0; i < 500; i++) cs.push(net.a.connect(ADDR_B, 80));
    net.advance(100);
    const ss = [];
    for (let s = l.accept(); s !== null; s = l.accept()) ss.push(s);
    expect(ss.length).toBe(500);
    for (const c of cs) c.close();
    net.advance(100);
    for (const s of ss) s.close();
    net.advance(200);
    expect(net.a.connectionCount + net.b.connectionCount).toBe(0);
  });
});
