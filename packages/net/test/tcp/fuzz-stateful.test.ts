/**
 * A fuzzer that reaches the state machine: segments the two sides really exchanged during a lossy
 * transfer are captured, mutated (flags, sequence and acknowledgement numbers near the window's edges,
 * window, data offset, options, truncation, payload) and given a correct checksum again, then fed to both
 * sides while the transfer goes on. Seeded and bounded. Nothing may escape receive(), every segment is
 * accounted for in the counters, and whatever the connection ends up as, it must be sane: still
 * established with every byte delivered in order, or torn down with a typed error and no entry left.
 */
import { describe, expect, it } from 'vitest';
import { finish, pseudoHeaderSum, sumBytes } from '../../src/checksum.js';
import { TcpState } from '../../src/tcp/types.js';
import { ADDR_A, ADDR_B, dropTotal, Net, Prng } from './harness.js';

function fixChecksum(seg: Uint8Array, src: number, dst: number): void {
  seg[16] = 0;
  seg[17] = 0;
  const sum = finish(sumBytes(pseudoHeaderSum(src, dst, 6, seg.length), seg, 0, seg.length));
  seg[16] = sum >> 8;
  seg[17] = sum & 0xff;
}

function add32(b: Uint8Array, off: number, delta: number): void {
  const v = (((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) + delta) >>> 0;
  b[off] = v >>> 24;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

function mutate(rng: Prng, original: Uint8Array): Uint8Array {
  let b = original.slice();
  const kinds = 1 + rng.int(3);
  for (let k = 0; k < kinds; k++) {
    switch (rng.int(8)) {
      case 0:
        b[13] = rng.int(256); // any flag combination, SYN|FIN|RST|URG included
        break;
      case 1:
        add32(b, 4, [-1, 1, -65536, 65536, 0x7fffffff, rng.int(1 << 30)][rng.int(6)]);
        break;
      case 2:
        add32(b, 8, [-1, 1, -65536, 65536, 0x80000000, rng.int(1 << 30)][rng.int(6)]);
        break;
      case 3:
        b[14] = rng.int(256);
        b[15] = rng.int(256);
        break;
      case 4:
        b[12] = (rng.int(16) << 4) | (b[12] & 0x0f); // data offset, legal or not
        break;
      case 5:
        if (b.length > 20) b[20 + rng.int(b.length - 20)] = rng.int(256); // options or payload
        break;
      case 6:
        b = b.subarray(0, rng.int(b.length + 1)).slice();
        break;
      default:
        b[18] = rng.int(256); // urgent pointer
        b[19] = rng.int(256);
    }
  }
  return b;
}

describe('tcp stateful fuzzing', () => {
  it('mutated real segments with good checksums never throw and leave the connection sane', () => {
    const net = new Net({ loss: 0.02, reorder: 0.02, delay: 5, seed: 21 });
    const captured: { to: 'a' | 'b'; seg: Uint8Array }[] = [];
    for (const side of ['a', 'b'] as const) {
      const tcp = side === 'a' ? net.a : net.b;
      const receive = tcp.receive.bind(tcp);
      tcp.receive = (src: number, dst: number, payload: Uint8Array) => {
        if (captured.length < 4000) captured.push({ to: side, seg: payload.slice() });
        receive(src, dst, payload);
      };
    }
    const listener = net.b.listen(80);
    const rng = new Prng(77);
    let injected = 0;
    let completed = 0;
    let torn = 0;
    // Rounds: a fresh connection each, until enough hostile segments went in. A mutation may
    // legitimately reset a connection (a RST whose sequence number is exactly the next expected one
    // is accepted, RFC 5961 3.2): then it must be torn down cleanly and the next round starts.
    for (let round = 0; round < 100 && injected < 20000; round++) {
      const client = net.a.connect(ADDR_B, 80);
      const data = new Prng(round + 5).bytes(64 * 1024);
      const got = new Uint8Array(data.length);
      let sent = 0;
      let received = 0;
      let server = listener.accept();
      net.run(net.clock.t + 300000, () => {
        if (server === null) server = listener.accept();
        if (sent < data.length && client.state === TcpState.Established)
          sent += client.write(data, sent, data.length - sent);
        if (server !== null) {
          for (let b = server.read(); b !== null && b.length > 0; b = server.read()) {
            got.set(b, received);
            received += b.length;
          }
        }
        // Between events, a burst of hostile segments at both sides.
        for (let i = 0; i < 8 && captured.length > 0 && injected < 20000; i++, injected++) {
          const pick = captured[rng.int(captured.length)];
          const seg = mutate(rng, pick.seg);
          const [src, dst] = pick.to === 'b' ? [ADDR_A, ADDR_B] : [ADDR_B, ADDR_A];
          if (seg.length >= 18 && rng.float() < 0.95) fixChecksum(seg, src, dst);
          expect(() => net.inject(pick.to, src, dst, seg)).not.toThrow();
        }
        return (
          received === data.length || client.error !== null || (server !== null && server.error !== null)
        );
      });
      // Whatever arrived is in order: every byte delivered equals what was sent.
      let same = true;
      for (let i = 0; i < received; i++) if (got[i] !== data[i]) same = false;
      expect(same).toBe(true);
      if (received === data.length) completed++;
      else {
        torn++;
        expect(client.error !== null || (server !== null && server.error !== null)).toBe(true);
      }
      client.abort();
      if (server !== null) server.abort();
      net.run(net.clock.t + 300000, () => net.a.connectionCount === 0 && net.b.connectionCount === 0);
      expect([net.a.connectionCount, net.b.connectionCount]).toEqual([0, 0]);
    }
    expect(injected).toBe(20000);
    expect(completed).toBeGreaterThan(0);
    for (const c of [net.ca, net.cb]) {
      expect(dropTotal(c) + c.get('tcp.rx.ok')).toBe(c.get('tcp.rx'));
      expect(c.get('tcp.drop.internal-error')).toBe(0);
    }
    // Mutations reached the state machine, not just the checksum.
    expect(net.cb.get('tcp.rx.ok')).toBeGreaterThan(1000);
    expect(completed + torn).toBeGreaterThan(1);
    listener.close();
  });
});
