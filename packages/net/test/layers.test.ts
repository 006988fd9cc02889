// Layer tests over a capturing link with hand-built frames (builders in sim/sim.ts, written apart from src/).
import { describe, expect, it } from 'vitest';
import {
  ARP_TRIES,
  checksum,
  NetStack,
  parseNetConfig,
  parseStatsInterval,
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
  inetChecksum,
  ip,
  OUR_MAC,
  udpPacket,
  VirtualClock,
} from './sim/sim.js';

const ME = ip('10.0.2.15');
const GW = ip('10.0.2.2');

function setup(): { stack: NetStack; link: CaptureLink; clock: VirtualClock } {
  const link = new CaptureLink(OUR_MAC);
  const clock = new VirtualClock(1000);
  const stack = new NetStack(link, clock, 7);
  stack.configure({ address: ME, netmask: ip('255.255.255.0'), gateway: GW, dns: [ip('10.0.2.3')] });
  link.take(); // the gratuitous ARP, and the request that starts resolving the gateway
  return { stack, link, clock };
}

/** Teaches the stack the gateway's MAC with an ARP request from it. */
function learnGateway(stack: NetStack, link: CaptureLink): void {
  stack.receive(ethFrame(BCAST, GW_MAC, 0x0806, arpPacket(1, GW_MAC, GW, new Uint8Array(6), ME)));
  link.take();
}

describe('checksum', () => {
  it('matches a well-known IPv4 header (checksum 0xb861)', () => {
    const h = new Uint8Array([
      0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0, 0, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7,
    ]);
    expect(checksum(h, 0, 20)).toBe(0xb861);
    expect(inetChecksum(h)).toBe(0xb861);
  });

  it('agrees with the second implementation at every offset and length, odd ones included', () => {
    const b = new Uint8Array(3000);
    let seed = 99;
    for (let i = 0; i < b.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      b[i] = seed >>> 16;
    }
    for (const off of [0, 1, 2, 3, 5]) {
      for (const len of [0, 1, 2, 3, 4, 5, 6, 7, 20, 1499, 1500, 2991]) {
        expect(checksum(b, off, len), `offset ${off} length ${len}`).toBe(
          inetChecksum(b.subarray(off, off + len)),
        );
      }
    }
    expect(checksum(new Uint8Array(2000).fill(0xff), 0, 2000)).toBe(0);
  });
});

describe('ethernet and arp', () => {
  it('announces a new address with a gratuitous ARP, then starts resolving the gateway', () => {
    const link = new CaptureLink(OUR_MAC);
    const stack = new NetStack(link, new VirtualClock(), 1);
    stack.configure({ address: ME, netmask: ip('255.255.255.0'), gateway: GW, dns: [] });
    const f = link.take();
    expect(f.length).toBe(2);
    const expected = ethFrame(BCAST, OUR_MAC, 0x0806, arpPacket(1, OUR_MAC, ME, new Uint8Array(6), ME));
    expect(Array.from(f[0].subarray(0, 42))).toEqual(Array.from(expected));
    const request = ethFrame(BCAST, OUR_MAC, 0x0806, arpPacket(1, OUR_MAC, ME, new Uint8Array(6), GW));
    expect(Array.from(f[1].subarray(0, 42))).toEqual(Array.from(request));
    expect(stack.arp.pendingNeighbours()).toBe(1);
  });

  it('answers an ARP request for our address byte for byte', () => {
    const { stack, link } = setup();
    stack.receive(ethFrame(BCAST, GW_MAC, 0x0806, arpPacket(1, GW_MAC, GW, new Uint8Array(6), ME)));
    const out = link.take();
    expect(out.length).toBe(1);
    expect(Array.from(out[0].subarray(0, 42))).toEqual(
      Array.from(ethFrame(GW_MAC, OUR_MAC, 0x0806, arpPacket(2, OUR_MAC, ME, GW_MAC, GW))),
    );
    expect(out[0].length).toBe(60);
    expect(stack.arp.cacheSize()).toBe(1);
  });

  it('drops frames for other MACs, other VLANs and malformed ARP, counted', () => {
    const { stack, link } = setup();
    const other = new Uint8Array([2, 0, 0, 0, 0, 9]);
    stack.receive(ethFrame(other, GW_MAC, 0x0806, arpPacket(1, GW_MAC, GW, new Uint8Array(6), ME)));
    stack.receive(new Uint8Array([...OUR_MAC, ...GW_MAC, 0x81, 0, 0, 5, 8, 6]));
    const bad = arpPacket(1, GW_MAC, GW, new Uint8Array(6), ME);
    bad[4] = 8;
    stack.receive(ethFrame(BCAST, GW_MAC, 0x0806, bad));
    stack.receive(new Uint8Array(5));
    expect(stack.counters.get('eth.drop.not-for-us')).toBe(1);
    expect(stack.counters.get('eth.drop.vlan')).toBe(1);
    expect(stack.counters.get('arp.drop.malformed')).toBe(1);
    expect(stack.counters.get('eth.drop.truncated')).toBe(1);
    expect(link.take().length).toBe(0);
  });

  it('gives up on a silent neighbour after its retries and fails the ping', () => {
    const { stack, link, clock } = setup();
    let result = '';
    stack.ping(ip('10.0.2.99'), (r) => {
      result = r.error;
    });
    expect(link.take().length).toBe(1); // the ARP request; the echo request waits in the queue
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      stack.poll();
    }
    // + the announcement, + the gateway's requests (no one answers for it here either)
    expect(stack.counters.get('arp.request.sent')).toBe(2 * ARP_TRIES + 1);
    expect(stack.counters.get('arp.tx-drop.unresolved')).toBe(1);
    expect(stack.arp.pendingNeighbours()).toBe(0);
    expect(result).toBe('timeout');
  });
});

describe('icmp', () => {
  it('answers a ping with the same identifier, sequence and data', () => {
    const { stack, link } = setup();
    learnGateway(stack, link);
    const data = new Uint8Array(32).map((_, i) => i * 3);
    stack.receive(fromGateway({ src: GW, dst: ME, protocol: 1, payload: icmpEcho(8, 0x1234, 7, data) }));
    const out = link.take();
    expect(out.length).toBe(1);
    const f = out[0];
    expect(Array.from(f.subarray(0, 6))).toEqual(Array.from(GW_MAC));
    expect(inetChecksum(f.subarray(14, 34))).toBe(0);
    const icmp = f.subarray(34, 34 + 8 + 32);
    expect(inetChecksum(icmp)).toBe(0);
    expect(Array.from(icmp)).toEqual(Array.from(icmpEcho(0, 0x1234, 7, data)));
  });

  it('pings the gateway: the echo waits for its ARP reply, result with the virtual RTT', () => {
    const { stack, link, clock } = setup(); // the gateway is being resolved since configure
    let rtt = -1;
    stack.ping(GW, (r) => {
      rtt = r.ok ? r.rtt : -2;
    });
    expect(link.take().length).toBe(0); // held, and no second request
    stack.receive(ethFrame(OUR_MAC, GW_MAC, 0x0806, arpPacket(2, GW_MAC, GW, OUR_MAC, ME)));
    const echo = link.take()[0];
    const icmp = echo.subarray(34, echo.length);
    expect(icmp[0]).toBe(8);
    clock.advance(3);
    const reply = icmpEcho(0, (icmp[4] << 8) | icmp[5], (icmp[6] << 8) | icmp[7], icmp.subarray(8, 64));
    stack.receive(fromGateway({ src: GW, dst: ME, protocol: 1, payload: reply }));
    expect(rtt).toBe(3);
  });
});

describe('udp', () => {
  it('delivers to a bound port, echoes back with a right checksum, and rejects a closed port', () => {
    const { stack, link } = setup();
    learnGateway(stack, link);
    const s = stack.udp.bind(7);
    expect(s).not.toBeNull();
    const msg = new TextEncoder().encode('hello toro');
    stack.receive(fromGateway({ src: GW, dst: ME, protocol: 17, payload: udpPacket(GW, ME, 5555, 7, msg) }));
    const d = s!.receive()!;
    expect(new TextDecoder().decode(d.data)).toBe('hello toro');
    s!.send(d.src, d.srcPort, d.data);
    const out = link.take()[0];
    const udp = out.subarray(34, 34 + 8 + msg.length);
    expect(Array.from(udp)).toEqual(Array.from(udpPacket(ME, GW, 7, 5555, msg)));
    stack.receive(fromGateway({ src: GW, dst: ME, protocol: 17, payload: udpPacket(GW, ME, 5555, 8, msg) }));
    const unreach = link.take()[0];
    expect(unreach[34]).toBe(3);
    expect(unreach[35]).toBe(3);
    expect(stack.counters.get('udp.drop.no-port')).toBe(1);
    const bad = udpPacket(GW, ME, 5555, 7, msg);
    bad[8] ^= 1;
    stack.receive(fromGateway({ src: GW, dst: ME, protocol: 17, payload: bad }));
    expect(stack.counters.get('udp.drop.bad-checksum')).toBe(1);
  });

  it('bounds a socket queue and counts the overflow', () => {
    const { stack } = setup();
    const s = stack.udp.bind(9, 2)!;
    for (let i = 0; i < 5; i++) {
      stack.receive(
        fromGateway({
          src: GW,
          dst: ME,
          protocol: 17,
          payload: udpPacket(GW, ME, 1, 9, new Uint8Array([i])),
        }),
      );
    }
    expect(s.pending()).toBe(2);
    expect(stack.counters.get('udp.drop.queue-full')).toBe(3);
  });
});

describe('ipv4', () => {
  it('counts bad headers by reason', () => {
    const { stack } = setup();
    const good = fromGateway({
      src: GW,
      dst: ME,
      protocol: 17,
      payload: udpPacket(GW, ME, 1, 9, new Uint8Array(4)),
    });
    const badSum = good.slice();
    badSum[24] ^= 0xff;
    stack.receive(badSum);
    stack.receive(good.subarray(0, 30));
    const v6 = good.slice();
    v6[14] = 0x65;
    stack.receive(v6);
    stack.receive(fromGateway({ src: GW, dst: ME, protocol: 17, ttl: 0, payload: new Uint8Array(8) }));
    stack.receive(fromGateway({ src: GW, dst: ip('10.0.2.77'), protocol: 17, payload: new Uint8Array(8) }));
    expect(stack.counters.get('ipv4.drop.bad-checksum')).toBe(1);
    expect(stack.counters.get('ipv4.drop.truncated')).toBe(1);
    expect(stack.counters.get('ipv4.drop.bad-version')).toBe(1);
    expect(stack.counters.get('ipv4.drop.ttl')).toBe(1);
    expect(stack.counters.get('ipv4.drop.not-for-us')).toBe(1);
  });

  it('reassembles out-of-order fragments, drops overlaps, keeps within limits and times out', () => {
    const { stack, clock } = setup();
    const s = stack.udp.bind(9)!;
    const data = new Uint8Array(3000).map((_, i) => i & 255);
    const u = udpPacket(GW, ME, 1, 9, data);
    const frag = (id: number, off: number, len: number, more: boolean) =>
      fromGateway({
        src: GW,
        dst: ME,
        protocol: 17,
        id,
        fragOffset: off,
        more,
        payload: u.subarray(off, off + len),
      });
    stack.receive(frag(5, 2400, u.length - 2400, false));
    stack.receive(frag(5, 0, 1200, true));
    stack.receive(frag(5, 0, 1200, true)); // a duplicate
    stack.receive(frag(5, 1200, 1200, true));
    expect(Array.from(s.receive()!.data)).toEqual(Array.from(data));
    expect(stack.counters.get('ipv4.drop.frag-duplicate')).toBe(1);
    stack.receive(frag(6, 0, 1200, true));
    stack.receive(frag(6, 800, 1200, true));
    expect(stack.counters.get('ipv4.drop.frag-overlap')).toBe(1);
    expect(stack.ipv4.reassemblyPending()).toBe(0);
    for (let id = 100; id < 130; id++) stack.receive(frag(id, 0, 1200, true));
    expect(stack.ipv4.reassemblyPending()).toBe(REASM_MAX_DATAGRAMS);
    clock.advance(30_000);
    stack.poll();
    expect(stack.ipv4.reassemblyPending()).toBe(0);
    expect(stack.ipv4.reassemblyBytes()).toBe(0);
  });

  it('fragments a datagram larger than the MTU at multiples of 8', () => {
    const { stack, link } = setup();
    learnGateway(stack, link);
    const s = stack.udp.bind(0)!;
    expect(s.port).toBeGreaterThanOrEqual(49152);
    s.send(ip('8.8.8.8'), 53, new Uint8Array(4000).fill(7));
    const out = link.take();
    expect(out.length).toBe(3);
    let total = 0;
    for (const f of out) {
      expect(inetChecksum(f.subarray(14, 34))).toBe(0);
      const len = (f[16] << 8) | f[17];
      const field = (f[20] << 8) | f[21];
      expect((field & 0x1fff) * 8).toBe(total);
      total += len - 20;
      expect(Array.from(f.subarray(0, 6))).toEqual(Array.from(GW_MAC)); // via the gateway
    }
    expect(total).toBe(4008);
  });
});

describe('config', () => {
  it('parses the kernel command-line form and refuses bad ones with a reason', () => {
    const c = parseNetConfig('ip=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3');
    expect(c.config).toEqual({
      address: ME,
      netmask: ip('255.255.255.0'),
      gateway: GW,
      dns: [ip('10.0.2.3')],
      mtu: 0,
    });
    expect(parseNetConfig('ip=dhcp').config).toBe('dhcp');
    expect(parseNetConfig('ip=10.0.2.15').error).toContain('prefix');
    expect(parseNetConfig('ip=10.0.2.256/24').error).toContain('not an IPv4');
    expect(parseNetConfig('ip=10.0.2.15/24,gw=10.0.3.2').error).toContain('subnet');
    expect(parseNetConfig('ip=10.0.2.15/24,foo=1').error).toContain('unknown key');
    expect(parseNetConfig('ip=10.0.2.15,mask=255.255.0.0').config).not.toBeNull();
  });

  it('reads net.stats=SECONDS from the command line and refuses a value it cannot use, with a reason', () => {
    expect(parseStatsInterval('ip=dhcp net.stats=5')).toEqual({ ms: 5000, error: '' });
    expect(parseStatsInterval('ip=dhcp')).toEqual({ ms: 0, error: '' });
    for (const bad of ['net.stats=', 'net.stats=0', 'net.stats=1.5', 'net.stats=abc', 'net.stats=3601'])
      expect(parseStatsInterval(bad)).toEqual({
        ms: 0,
        error: `${bad}: not a whole number of seconds from 1 to 3600`,
      });
  });
});
