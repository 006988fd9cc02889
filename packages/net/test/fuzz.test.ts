// Seeded fuzzer: random and mutated valid frames into NetStack.receive. Nothing may escape, every
// frame must end in exactly one terminal counter (a drop reason or an accept), and the queues stay bounded.
import { describe, expect, it } from 'vitest';
import {
  ARP_PENDING_MAX,
  ARP_QUEUE_PER_NEIGHBOUR,
  NetStack,
  REASM_MAX_BYTES,
  REASM_MAX_DATAGRAMS,
} from '../src/index.js';
import {
  arpPacket,
  BCAST,
  CaptureLink,
  ethFrame,
  fromGateway,
  GW_MAC,
  icmpEcho,
  ip,
  OUR_MAC,
  Prng,
  udpPacket,
  VirtualClock,
} from './sim/sim.js';

const ME = ip('10.0.2.15');
const GW = ip('10.0.2.2');
const LAYERS = ['eth.', 'arp.', 'ipv4.', 'icmp.', 'udp.'];

function terminals(stack: NetStack): number {
  let n = 0;
  for (const [k, v] of stack.counters.entries()) {
    if (!LAYERS.some((l) => k.startsWith(l))) continue;
    if (k.includes('.drop.') || k.endsWith('.accepted')) n += v;
  }
  return n;
}

describe('fuzz', () => {
  it('survives 4000 random and mutated frames with every one counted', () => {
    const rng = new Prng(0x70f0);
    const link = new CaptureLink(OUR_MAC);
    const clock = new VirtualClock(0);
    const stack = new NetStack(link, clock, 3);
    stack.configure({ address: ME, netmask: ip('255.255.255.0'), gateway: GW, dns: [] });
    stack.udp.bind(7, 8);
    const big = udpPacket(GW, ME, 1, 7, new Uint8Array(2000));
    const seeds: Uint8Array[] = [
      ethFrame(BCAST, GW_MAC, 0x0806, arpPacket(1, GW_MAC, GW, new Uint8Array(6), ME)),
      ethFrame(OUR_MAC, GW_MAC, 0x0806, arpPacket(2, GW_MAC, ip('10.0.2.9'), OUR_MAC, ME)),
      fromGateway({ src: GW, dst: ME, protocol: 1, payload: icmpEcho(8, 1, 2, new Uint8Array(16)) }),
      fromGateway({ src: GW, dst: ME, protocol: 17, payload: udpPacket(GW, ME, 9, 7, new Uint8Array(10)) }),
      fromGateway({ src: GW, dst: ME, protocol: 17, id: 9, more: true, payload: big.subarray(0, 1000) }),
      fromGateway({ src: GW, dst: ME, protocol: 17, id: 9, fragOffset: 1000, payload: big.subarray(1000) }),
      fromGateway({ src: GW, dst: ME, protocol: 6, payload: new Uint8Array(20) }),
    ];
    const frames = 4000;
    for (let i = 0; i < frames; i++) {
      let f: Uint8Array;
      const kind = rng.int(10);
      if (kind === 0) {
        f = new Uint8Array(rng.int(120)).map(() => rng.int(256));
      } else {
        f = seeds[rng.int(seeds.length)].slice();
        const flips = rng.int(4);
        for (let k = 0; k < flips; k++) f[rng.int(f.length)] = rng.int(256);
        // Aim some mutations at the fields that matter: IHL, lengths, fragment offsets, then truncate.
        if (kind === 1 && f.length > 22) f[14] = 0x40 | rng.int(16);
        if (kind === 2 && f.length > 22) {
          f[16] = rng.int(256);
          f[17] = rng.int(256);
        }
        if (kind === 3 && f.length > 22) {
          f[20] = rng.int(256);
          f[21] = rng.int(256);
        }
        if (kind === 4) f = f.subarray(0, rng.int(f.length + 1));
      }
      stack.receive(f);
      expect(terminals(stack)).toBe(i + 1);
      if (i % 100 === 0) {
        clock.advance(rng.int(3000));
        stack.poll();
      }
      link.take();
    }
    expect(stack.counters.get('stack.error')).toBe(0);
    if (process.env.FUZZ_DUMP) console.log(stack.describeText());
    expect(stack.ipv4.reassemblyPending()).toBeLessThanOrEqual(REASM_MAX_DATAGRAMS);
    expect(stack.ipv4.reassemblyBytes()).toBeLessThanOrEqual(REASM_MAX_BYTES);
    expect(stack.arp.pendingNeighbours()).toBeLessThanOrEqual(ARP_PENDING_MAX);
    expect(stack.arp.pendingFrames()).toBeLessThanOrEqual(ARP_PENDING_MAX * ARP_QUEUE_PER_NEIGHBOUR);
    clock.advance(60_000);
    stack.poll();
    expect(stack.ipv4.reassemblyPending()).toBe(0);
  });
});
