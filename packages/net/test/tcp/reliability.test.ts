import { describe, expect, it } from 'vitest';
import { TcpState } from '../../src/tcp/types.js';
import { ADDR_B, dropTotal, Net, Prng } from './harness.js';

describe('tcp reliability and hostile input', () => {
  it('2 MB survive 5% loss, reordering and duplication, in order', () => {
    const net = new Net({ loss: 0.05, reorder: 0.05, duplicate: 0.05, delay: 5, seed: 11 });
    const l = net.b.listen(9);
    const c = net.a.connect(ADDR_B, 9);
    const data = new Prng(3).bytes(2 * 1024 * 1024);
    const got = new Uint8Array(data.length);
    let sent = 0;
    let recv = 0;
    let s = l.accept();
    net.run(600000, () => {
      if (s === null) s = l.accept();
      if (sent < data.length) sent += c.write(data, sent, data.length - sent);
      if (s !== null) {
        for (let b = s.read(); b !== null && b.length > 0; b = s.read()) {
          got.set(b, recv);
          recv += b.length;
        }
      }
      return recv === data.length;
    });
    expect(recv).toBe(data.length);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(data))).toBe(0);
    expect(net.ca.get('tcp.retransmit')).toBeGreaterThan(0);
    expect(net.ca.get('tcp.drop.internal-error') + net.cb.get('tcp.drop.internal-error')).toBe(0);
    expect(c.state).toBe(TcpState.Established);
  });

  it('fuzz: random and mutated segments never throw, every one is accounted for', () => {
    const net = new Net({ delay: 1 });
    const l = net.b.listen(80);
    const c = net.a.connect(ADDR_B, 80);
    net.run(1000, () => l.queued > 0);
    const s = l.accept();
    expect(s).not.toBeNull();
    c.write(new Uint8Array(3000));
    const samples: Uint8Array[] = [];
    const orig = net.trace.length;
    net.advance(100);
    expect(net.trace.length).toBeGreaterThan(orig);
    const rng = new Prng(99);
    // Capture real segments to mutate by re-sending data through the pipe's trace is header-only; build
    // fresh ones from random bytes and from a valid template with flipped bits.
    for (let i = 0; i < 20000; i++) {
      const n = rng.int(80);
      const b = rng.bytes(n);
      if (n >= 20 && rng.float() < 0.7) {
        b[0] = (c.localPort >> 8) & 0xff;
        b[1] = c.localPort & 0xff;
        b[2] = 0;
        b[3] = rng.float() < 0.5 ? 80 : 81;
        b[12] = (5 + rng.int(11)) << 4;
        samples.push(b);
      }
      const before = net.cb.get('tcp.rx');
      expect(() => net.inject('b', 0x0a000001, ADDR_B, b)).not.toThrow();
      expect(net.cb.get('tcp.rx')).toBe(before + 1);
    }
    const rx = net.cb.get('tcp.rx');
    expect(dropTotal(net.cb) + net.cb.get('tcp.rx.ok')).toBe(rx);
    expect(net.cb.get('tcp.drop.internal-error')).toBe(0);
    expect(net.cb.get('tcp.drop.bad-checksum')).toBeGreaterThan(0);
    expect(samples.length).toBeGreaterThan(0);
  });
});
