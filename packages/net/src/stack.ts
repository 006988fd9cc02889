/**
 * NetStack: one interface's stack. It ties a Link and a Clock to Ethernet, ARP, IPv4, ICMP and UDP,
 * takes every frame the driver receives (`receive`, which never throws: a frame that breaks a layer
 * is counted under `stack.error`), runs the layers' timers (`poll`/`tick`, `nextTimer` for a driver
 * loop's sleep), lets TCP plug in (`registerTransport`) and describes itself for a counter view.
 */
import { Arp } from './arp.js';
import { formatIp, formatMac } from './bytes.js';
import type { NetConfig, StaticConfig } from './config.js';
import { Counters } from './counters.js';
import { DhcpClient } from './dhcp.js';
import { type DnsCallback, DnsResolver } from './dns.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, Ethernet } from './ethernet.js';
import { Icmp, type PingOptions, type PingResult } from './icmp.js';
import { Ipv4 } from './ipv4.js';
import type { Clock, Link } from './link.js';
import { type IcmpError, PROTO_UDP, type Transport } from './protocol.js';
import { Udp } from './udp.js';

/** A transport without nextTimer is ticked at least this often. */
export const TRANSPORT_TICK_MS = 100;

/** What describe() reports. */
export interface NetStatus {
  mac: string;
  address: string;
  netmask: string;
  gateway: string;
  dns: string[];
  mtu: number;
  arpEntries: number;
  arpPending: number;
  reassemblyPending: number;
  counters: [string, number][];
}

export class NetStack {
  readonly counters = new Counters();
  readonly eth: Ethernet;
  readonly arp: Arp;
  readonly ipv4: Ipv4;
  readonly icmp: Icmp;
  readonly udp: Udp;
  /** The DHCP client, once `start('dhcp')` made one. */
  dhcp: DhcpClient | null = null;
  private dnsServers: number[] = [];
  readonly resolver: DnsResolver;
  private rngState: number;
  private lastTransportTick = 0;

  constructor(
    readonly link: Link,
    readonly clock: Clock,
    seed = 1,
  ) {
    this.rngState = seed >>> 0 || 1;
    this.eth = new Ethernet(link, this.counters);
    this.arp = new Arp(this.eth, this.counters, () => this.ipv4.localAddress());
    this.ipv4 = new Ipv4(this.eth, this.arp, this.counters, clock);
    this.icmp = new Icmp(this.ipv4, this.counters, () => clock.now(), seed);
    this.udp = new Udp(this.ipv4, this.counters, seed);
    this.ipv4.setIcmp(this.icmp);
    this.udp.setIcmp(this.icmp);
    this.ipv4.register(PROTO_UDP, this.udp);
    this.resolver = new DnsResolver(
      this.udp,
      this.counters,
      () => clock.now(),
      () => this.random(),
      () => this.dnsServers,
    );
    this.icmp.onError = (e: IcmpError) => {
      const t = this.ipv4.transport(e.protocol);
      if (t !== null && t.icmpError !== undefined) t.icmpError(e);
    };
  }

  /** Starts the configured way: a static address at once, or the DHCP client. */
  start(config: NetConfig): void {
    if (config !== 'dhcp') {
      this.configure(config);
      return;
    }
    if (this.dhcp === null) {
      const d = new DhcpClient(
        this.udp,
        this.link.mac,
        this.counters,
        () => this.random(),
        () => this.ipv4.localAddress(),
        () => this.clock.now(),
      );
      d.onBound = (l) =>
        this.configure({
          address: l.address,
          netmask: l.netmask,
          gateway: l.gateway,
          dns: l.dns,
          mtu: l.mtu,
        });
      d.onLost = () => this.configure({ address: 0, netmask: 0, gateway: 0, dns: [] });
      this.dhcp = d;
    }
    this.dhcp.start(this.clock.now());
  }

  /** Applies a static address (or clears it with address 0) and announces it. */
  configure(c: StaticConfig): void {
    const changed = c.address >>> 0 !== this.ipv4.localAddress();
    this.ipv4.configure(c.address, c.netmask, c.gateway);
    if (c.mtu !== undefined && c.mtu > 0) this.ipv4.setMtu(c.mtu);
    this.dnsServers = c.dns.slice();
    if (changed) this.arp.announce();
    this.arp.resolve(this.ipv4.router(), this.clock.now());
  }

  dns(): number[] {
    return this.dnsServers;
  }

  /** Resolves a host name with the configured DNS servers (see dns.ts). */
  resolve(name: string, done: DnsCallback): void {
    this.resolver.resolve(name, done);
  }

  /**
   * xorshift32 for DHCP xids, DNS ids and jitter. Not cryptographic: a booted image seeds it from
   * the TSC, the tests from a constant.
   */
  random(): number {
    let x = this.rngState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rngState = x >>> 0;
    return this.rngState / 4294967296;
  }

  /** Plugs a transport (TCP) in for an IP protocol number. */
  registerTransport(protocol: number, t: Transport): void {
    this.ipv4.register(protocol, t);
  }

  /** One frame from the driver. Never throws. */
  receive(frame: Uint8Array): void {
    this.counters.add('eth.rx');
    try {
      const now = this.clock.now();
      const h = this.eth.parse(frame);
      if (h === null) return;
      if (h.type === ETHERTYPE_ARP) this.arp.receive(frame, h.offset, now);
      else if (h.type === ETHERTYPE_IPV4) this.ipv4.receive(frame, h.offset, now);
      else this.counters.add('eth.drop.unknown-type');
    } catch (_e) {
      this.counters.add('stack.error');
    }
  }

  ping(dst: number, done: (r: PingResult) => void, options?: PingOptions): number {
    return this.icmp.ping(dst, done, options);
  }

  /** Runs every timer due at the clock's time. */
  poll(): void {
    this.tick(this.clock.now());
  }

  tick(now: number): void {
    try {
      this.arp.tick(now);
      this.ipv4.tick(now);
      this.icmp.tick(now);
      if (this.dhcp !== null) this.dhcp.tick(now);
      this.resolver.tick(now);
      for (const t of this.ipv4.allTransports()) t.tick(now);
      this.lastTransportTick = now;
    } catch (_e) {
      this.counters.add('stack.error');
    }
  }

  /** The earliest time poll has work (Infinity when none). */
  nextTimer(): number {
    let t = Math.min(this.arp.nextTimer(), this.ipv4.nextTimer(), this.icmp.nextTimer());
    if (this.dhcp !== null && this.dhcp.nextTimer() < t) t = this.dhcp.nextTimer();
    if (this.resolver.nextTimer() < t) t = this.resolver.nextTimer();
    for (const tr of this.ipv4.allTransports()) {
      const n = tr.nextTimer !== undefined ? tr.nextTimer() : this.lastTransportTick + TRANSPORT_TICK_MS;
      if (n < t) t = n;
    }
    return t;
  }

  describe(): NetStatus {
    return {
      mac: formatMac(this.link.mac),
      address: formatIp(this.ipv4.localAddress()),
      netmask: formatIp(this.ipv4.mask()),
      gateway: formatIp(this.ipv4.router()),
      dns: this.dnsServers.map(formatIp),
      mtu: this.ipv4.mtu(),
      arpEntries: this.arp.cacheSize(),
      arpPending: this.arp.pendingNeighbours(),
      reassemblyPending: this.ipv4.reassemblyPending(),
      counters: this.counters.entries(),
    };
  }

  /** describe() as lines of text, for the kernel log or `toro`'s counter view. */
  describeText(): string {
    const s = this.describe();
    let out = `net ${s.mac} ${s.address}/${s.netmask} gw ${s.gateway} dns ${s.dns.join(' ')} mtu ${s.mtu}\n`;
    out += `arp ${s.arpEntries} entries, ${s.arpPending} pending; reassembly ${s.reassemblyPending}\n`;
    for (const [k, v] of s.counters) out += `  ${k} ${v}\n`;
    return out;
  }
}
