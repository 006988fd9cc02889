/**
 * A DHCP client (RFC 2131): DISCOVER → OFFER → REQUEST → ACK, then renewal at T1 (unicast to the
 * server), rebinding at T2 (broadcast) and loss of the address at lease end; a NAK restarts from
 * DISCOVER. Retransmissions back off 4, 8, 16, 32, 64 s with ±1 s of jitter. Replies must carry our
 * transaction id and MAC; anything else is ignored and counted under `dhcp.ignored.*`.
 */
import { IP_BROADCAST, read16, read32, write16, write32 } from './bytes.js';
import type { Counters } from './counters.js';
import type { Udp, UdpSocket } from './udp.js';

export const DHCP_CLIENT_PORT = 68;
export const DHCP_SERVER_PORT = 67;
const MAGIC = 0x63825363;
const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const ACK = 5;
const NAK = 6;
/** REQUESTs sent for one offer before starting over. */
export const DHCP_REQUEST_TRIES = 4;

export enum DhcpState {
  Stopped = 0,
  Selecting = 1,
  Requesting = 2,
  Bound = 3,
  Renewing = 4,
  Rebinding = 5,
}

/** What an ACK gave us. Times are in milliseconds on the stack's clock. */
export interface DhcpLease {
  address: number;
  netmask: number;
  gateway: number;
  dns: number[];
  server: number;
  mtu: number;
  leaseSeconds: number;
  obtained: number;
  t1: number;
  t2: number;
  expires: number;
}

interface Reply {
  type: number;
  yiaddr: number;
  server: number;
  netmask: number;
  router: number;
  dns: number[];
  lease: number;
  t1: number;
  t2: number;
  mtu: number;
}

export class DhcpClient {
  state = DhcpState.Stopped;
  lease: DhcpLease | null = null;
  /** Called when an address is obtained or renewed, and when it is lost. */
  onBound: ((l: DhcpLease) => void) | null = null;
  onLost: (() => void) | null = null;
  private socket: UdpSocket | null = null;
  private xid = 0;
  private tries = 0;
  private deadline = Number.POSITIVE_INFINITY;
  private started = 0;
  private offered = 0;
  private server = 0;

  constructor(
    private readonly udp: Udp,
    private readonly mac: Uint8Array,
    private readonly counters: Counters,
    private readonly random: () => number,
    private readonly localAddress: () => number,
    private readonly now: () => number,
  ) {}

  start(now: number): void {
    if (this.socket === null) {
      this.socket = this.udp.bind(DHCP_CLIENT_PORT, 8);
      if (this.socket === null) {
        this.counters.add('dhcp.error.port-busy');
        return;
      }
      this.socket.onDatagram = (s) => {
        for (let d = s.receive(); d !== null; d = s.receive()) this.receive(d.data, d.srcPort, this.now());
      };
    }
    this.discover(now);
  }

  private discover(now: number): void {
    this.state = DhcpState.Selecting;
    this.xid = Math.floor(this.random() * 0x100000000) >>> 0;
    this.tries = 0;
    this.started = now;
    this.send(DISCOVER, now);
  }

  private backoff(now: number): number {
    const base = Math.min(64, 4 << (this.tries < 4 ? this.tries : 4)) * 1000;
    return now + base + Math.floor(this.random() * 2000) - 1000;
  }

  private send(type: number, now: number): void {
    const s = this.socket;
    if (s === null) return;
    const p = new Uint8Array(300);
    p[0] = 1;
    p[1] = 1;
    p[2] = 6;
    write32(p, 4, this.xid);
    write16(p, 8, Math.min(0xffff, Math.floor((now - this.started) / 1000)));
    const renewing = this.state === DhcpState.Renewing || this.state === DhcpState.Rebinding;
    if (renewing) write32(p, 12, this.localAddress());
    p.set(this.mac, 28);
    write32(p, 236, MAGIC);
    let o = 240;
    p[o++] = 53;
    p[o++] = 1;
    p[o++] = type;
    if (type === REQUEST && !renewing) {
      p[o++] = 50;
      p[o++] = 4;
      write32(p, o, this.offered);
      o += 4;
      p[o++] = 54;
      p[o++] = 4;
      write32(p, o, this.server);
      o += 4;
    }
    const params = [1, 3, 6, 26, 51, 58, 59];
    p[o++] = 55;
    p[o++] = params.length;
    for (const x of params) p[o++] = x;
    p[o++] = 255;
    // Wait 4 s after the first send, then twice as long each time up to 64 s.
    this.deadline = this.backoff(now);
    this.tries++;
    this.counters.add(type === DISCOVER ? 'dhcp.discover.sent' : 'dhcp.request.sent');
    const dst = this.state === DhcpState.Renewing ? this.server : IP_BROADCAST;
    s.send(dst, DHCP_SERVER_PORT, p);
  }

  private parse(p: Uint8Array): Reply | null {
    const c = this.counters;
    if (p.length < 240 || p[0] !== 2 || p[1] !== 1 || p[2] !== 6 || read32(p, 236) !== MAGIC) {
      c.add('dhcp.ignored.malformed');
      return null;
    }
    if (read32(p, 4) !== this.xid) {
      c.add('dhcp.ignored.xid');
      return null;
    }
    for (let i = 0; i < 6; i++) {
      if (p[28 + i] !== this.mac[i]) {
        c.add('dhcp.ignored.chaddr');
        return null;
      }
    }
    const r: Reply = {
      type: 0,
      yiaddr: read32(p, 16),
      server: 0,
      netmask: 0,
      router: 0,
      dns: [],
      lease: 0,
      t1: 0,
      t2: 0,
      mtu: 0,
    };
    let o = 240;
    while (o < p.length) {
      const code = p[o++];
      if (code === 0) continue;
      if (code === 255) break;
      if (o >= p.length) break;
      const len = p[o++];
      if (o + len > p.length) {
        c.add('dhcp.ignored.malformed');
        return null;
      }
      if (code === 53 && len >= 1) r.type = p[o];
      else if (code === 54 && len >= 4) r.server = read32(p, o);
      else if (code === 1 && len >= 4) r.netmask = read32(p, o);
      else if (code === 3 && len >= 4) r.router = read32(p, o);
      else if (code === 6)
        for (let i = 0; i + 4 <= len && r.dns.length < 3; i += 4) r.dns.push(read32(p, o + i));
      else if (code === 51 && len >= 4) r.lease = read32(p, o);
      else if (code === 58 && len >= 4) r.t1 = read32(p, o);
      else if (code === 59 && len >= 4) r.t2 = read32(p, o);
      else if (code === 26 && len >= 2) r.mtu = read16(p, o);
      o += len;
    }
    return r;
  }

  receive(p: Uint8Array, srcPort: number, now: number): void {
    const c = this.counters;
    if (srcPort !== DHCP_SERVER_PORT) {
      c.add('dhcp.ignored.port');
      return;
    }
    const r = this.parse(p);
    if (r === null) return;
    if (this.state === DhcpState.Selecting && r.type === OFFER && r.server !== 0 && r.yiaddr !== 0) {
      c.add('dhcp.offer');
      this.offered = r.yiaddr;
      this.server = r.server;
      this.state = DhcpState.Requesting;
      this.tries = 0;
      this.send(REQUEST, now);
      return;
    }
    const asking =
      this.state === DhcpState.Requesting ||
      this.state === DhcpState.Renewing ||
      this.state === DhcpState.Rebinding;
    if (
      !asking ||
      (r.type !== ACK && r.type !== NAK) ||
      (this.state === DhcpState.Requesting && r.server !== this.server)
    ) {
      c.add('dhcp.ignored.unexpected');
      return;
    }
    if (r.type === NAK) {
      c.add('dhcp.nak');
      this.lose();
      this.discover(now);
      return;
    }
    if (r.yiaddr === 0 || r.lease === 0) {
      c.add('dhcp.ignored.bad-ack');
      return;
    }
    c.add('dhcp.ack');
    const secs = r.lease;
    const infinite = secs === 0xffffffff;
    const t1 = infinite ? Number.POSITIVE_INFINITY : now + (r.t1 > 0 && r.t1 < secs ? r.t1 : secs / 2) * 1000;
    const t2 = infinite
      ? Number.POSITIVE_INFINITY
      : now + (r.t2 > 0 && r.t2 < secs ? r.t2 : secs * 0.875) * 1000;
    this.lease = {
      address: r.yiaddr,
      netmask: r.netmask !== 0 ? r.netmask : 0xffffff00,
      gateway: r.router,
      dns: r.dns,
      server: r.server !== 0 ? r.server : this.server,
      mtu: r.mtu,
      leaseSeconds: secs,
      obtained: now,
      t1,
      t2,
      expires: infinite ? Number.POSITIVE_INFINITY : now + secs * 1000,
    };
    this.server = this.lease.server;
    this.state = DhcpState.Bound;
    this.deadline = t1;
    if (this.onBound !== null) this.onBound(this.lease);
  }

  private lose(): void {
    if (this.lease === null) return;
    this.lease = null;
    this.counters.add('dhcp.lost');
    if (this.onLost !== null) this.onLost();
  }

  tick(now: number): void {
    if (now < this.deadline) return;
    const l = this.lease;
    if (this.state === DhcpState.Selecting) this.send(DISCOVER, now);
    else if (this.state === DhcpState.Requesting) {
      if (this.tries >= DHCP_REQUEST_TRIES) this.discover(now);
      else this.send(REQUEST, now);
    } else if (l !== null && now >= l.expires) {
      this.lose();
      this.discover(now);
    } else if (l !== null && (this.state === DhcpState.Bound || this.state === DhcpState.Renewing)) {
      if (now >= l.t2) this.state = DhcpState.Rebinding;
      else if (this.state === DhcpState.Bound) {
        this.state = DhcpState.Renewing;
        this.xid = Math.floor(this.random() * 0x100000000) >>> 0;
      }
      this.renewSend(now, this.state === DhcpState.Renewing ? l.t2 : l.expires);
    } else if (l !== null && this.state === DhcpState.Rebinding) this.renewSend(now, l.expires);
  }

  /** RFC 2131 4.4.5: retransmit after half the time left to the next limit, at least 60 s. */
  private renewSend(now: number, limit: number): void {
    this.send(REQUEST, now);
    const half = (limit - now) / 2;
    this.deadline = Math.min(limit, now + Math.max(60_000, half));
  }

  nextTimer(): number {
    return this.state === DhcpState.Stopped ? Number.POSITIVE_INFINITY : this.deadline;
  }
}
