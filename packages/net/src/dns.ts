/**
 * A DNS stub resolver (RFC 1035): A queries over UDP to the configured servers from a fresh
 * ephemeral port each, answers checked against server, port, id and question, name compression
 * followed with a bound on jumps, CNAME chains followed, retries with a timeout rotating over the
 * servers, a bounded cache honouring TTLs, and NXDOMAIN/SERVFAIL/... as typed errors via callback.
 */
import { parseIp, read16, read32, write16 } from './bytes.js';
import type { Counters } from './counters.js';
import type { Udp, UdpSocket } from './udp.js';

export const DNS_PORT = 53;
export const DNS_TIMEOUT_MS = 2_000;
export const DNS_ATTEMPTS = 3;
export const DNS_CACHE_MAX = 32;
export const DNS_MAX_PENDING = 16;
/** TTLs above a day are cut to a day. */
export const DNS_MAX_TTL = 86_400;

export enum DnsErrorCode {
  NxDomain = 'nxdomain',
  ServFail = 'servfail',
  Refused = 'refused',
  FormatError = 'formerr',
  NoData = 'nodata',
  Timeout = 'timeout',
  BadName = 'bad-name',
  NoServer = 'no-server',
  Busy = 'busy',
}

export class DnsError extends Error {
  constructor(
    readonly code: DnsErrorCode,
    readonly hostname: string,
  ) {
    super(`resolving ${hostname}: ${code}`);
    this.name = 'DnsError';
  }
}

/** Called once per resolve: an error, or the addresses (at least one). */
export type DnsCallback = (err: DnsError | null, addresses: number[]) => void;

interface CacheEntry {
  name: string;
  addresses: number[];
  expires: number;
}

interface Query {
  name: string;
  id: number;
  socket: UdpSocket | null;
  server: number;
  attempt: number;
  deadline: number;
  callbacks: DnsCallback[];
}

/** The wire form of a name, or null when a label is empty, longer than 63 or the name than 253. */
export function encodeName(name: string): number[] | null {
  const n = name.endsWith('.') ? name.slice(0, name.length - 1) : name;
  if (n.length === 0 || n.length > 253) return null;
  const out: number[] = [];
  for (const label of n.split('.')) {
    if (label.length === 0 || label.length > 63) return null;
    out.push(label.length);
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      if (c <= 32 || c >= 127) return null;
      out.push(c);
    }
  }
  out.push(0);
  return out;
}

/** Reads a possibly compressed name at `off`: [lowercased name, offset after it], or null. */
export function readName(p: Uint8Array, off: number): [string, number] | null {
  let name = '';
  let at = off;
  let after = -1;
  let jumps = 0;
  while (true) {
    if (at >= p.length) return null;
    const len = p[at];
    if (len === 0) {
      return [name, after >= 0 ? after : at + 1];
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= p.length || ++jumps > 16) return null;
      if (after < 0) after = at + 2;
      at = ((len & 0x3f) << 8) | p[at + 1];
      continue;
    }
    if ((len & 0xc0) !== 0 || at + 1 + len > p.length) return null;
    let label = '';
    for (let i = 0; i < len; i++) label += String.fromCharCode(p[at + 1 + i]);
    name += (name.length > 0 ? '.' : '') + label.toLowerCase();
    if (name.length > 255) return null;
    at += 1 + len;
  }
}

export class DnsResolver {
  private cache: CacheEntry[] = [];
  private queries: Query[] = [];

  constructor(
    private readonly udp: Udp,
    private readonly counters: Counters,
    private readonly now: () => number,
    private readonly random: () => number,
    private readonly servers: () => number[],
  ) {}

  /** Resolves `hostname` to IPv4 addresses; a dotted quad or a cached name answers at once. */
  resolve(hostname: string, done: DnsCallback): void {
    const literal = parseIp(hostname);
    if (literal >= 0) {
      done(null, [literal]);
      return;
    }
    const name = (hostname.endsWith('.') ? hostname.slice(0, hostname.length - 1) : hostname).toLowerCase();
    if (encodeName(name) === null) {
      done(new DnsError(DnsErrorCode.BadName, hostname), []);
      return;
    }
    const now = this.now();
    for (const e of this.cache) {
      if (e.name === name && e.expires > now) {
        this.counters.add('dns.cache.hit');
        done(null, e.addresses.slice());
        return;
      }
    }
    for (const q of this.queries) {
      if (q.name === name) {
        q.callbacks.push(done);
        return;
      }
    }
    if (this.servers().length === 0) {
      done(new DnsError(DnsErrorCode.NoServer, hostname), []);
      return;
    }
    if (this.queries.length >= DNS_MAX_PENDING) {
      done(new DnsError(DnsErrorCode.Busy, hostname), []);
      return;
    }
    const q: Query = { name, id: 0, socket: null, server: 0, attempt: 0, deadline: 0, callbacks: [done] };
    this.queries.push(q);
    this.send(q, now);
  }

  private send(q: Query, now: number): void {
    if (q.socket !== null) q.socket.close();
    const servers = this.servers();
    q.server = servers[q.attempt % servers.length];
    q.attempt++;
    q.id = Math.floor(this.random() * 0x10000) & 0xffff;
    q.deadline = now + DNS_TIMEOUT_MS;
    const s = this.udp.bind(0, 4);
    q.socket = s;
    if (s === null) return;
    s.onDatagram = (sock) => {
      for (let d = sock.receive(); d !== null; d = sock.receive()) {
        if (d.src !== q.server || d.srcPort !== DNS_PORT) this.counters.add('dns.ignored.source');
        else this.answer(q, d.data);
      }
    };
    const qname = encodeName(q.name);
    if (qname === null) return;
    const p = new Uint8Array(12 + qname.length + 4);
    write16(p, 0, q.id);
    p[2] = 0x01; // RD
    write16(p, 4, 1);
    p.set(qname, 12);
    write16(p, 12 + qname.length, 1);
    write16(p, 14 + qname.length, 1);
    this.counters.add('dns.query.sent');
    s.send(q.server, DNS_PORT, p);
  }

  private answer(q: Query, p: Uint8Array): void {
    const c = this.counters;
    if (p.length < 12 || read16(p, 0) !== q.id || (p[2] & 0x80) === 0) {
      c.add('dns.ignored.mismatch');
      return;
    }
    if (read16(p, 4) !== 1) {
      c.add('dns.ignored.mismatch');
      return;
    }
    const question = readName(p, 12);
    if (question === null || question[0] !== q.name || question[1] + 4 > p.length) {
      c.add('dns.ignored.mismatch');
      return;
    }
    if (read16(p, question[1]) !== 1 || read16(p, question[1] + 2) !== 1) {
      c.add('dns.ignored.mismatch');
      return;
    }
    const rcode = p[3] & 15;
    if (rcode !== 0) {
      const code =
        rcode === 3
          ? DnsErrorCode.NxDomain
          : rcode === 2
            ? DnsErrorCode.ServFail
            : rcode === 5
              ? DnsErrorCode.Refused
              : DnsErrorCode.FormatError;
      this.finish(q, new DnsError(code, q.name), [], 0);
      return;
    }
    const names = [q.name];
    const addresses: number[] = [];
    let ttl = DNS_MAX_TTL;
    let at = question[1] + 4;
    const count = read16(p, 6);
    for (let i = 0; i < count; i++) {
      const owner = readName(p, at);
      if (owner === null || owner[1] + 10 > p.length) break;
      at = owner[1];
      const type = read16(p, at);
      const cls = read16(p, at + 2);
      const rttl = read32(p, at + 4);
      const rdlen = read16(p, at + 8);
      at += 10;
      if (at + rdlen > p.length) break;
      if (cls === 1 && names.includes(owner[0])) {
        if (type === 1 && rdlen === 4) {
          addresses.push(read32(p, at));
          if (rttl < ttl) ttl = rttl;
        } else if (type === 5) {
          const target = readName(p, at);
          if (target !== null) names.push(target[0]);
        }
      }
      at += rdlen;
    }
    if (addresses.length === 0) {
      this.finish(q, new DnsError(DnsErrorCode.NoData, q.name), [], 0);
      return;
    }
    this.finish(q, null, addresses, ttl);
  }

  private finish(q: Query, err: DnsError | null, addresses: number[], ttl: number): void {
    const i = this.queries.indexOf(q);
    if (i < 0) return;
    this.queries[i] = this.queries[this.queries.length - 1];
    this.queries.pop();
    if (q.socket !== null) q.socket.close();
    this.counters.add(err === null ? 'dns.resolved' : `dns.error.${err.code}`);
    if (err === null && ttl > 0) this.store(q.name, addresses, this.now() + ttl * 1000);
    for (const cb of q.callbacks) cb(err, addresses.slice());
  }

  private store(name: string, addresses: number[], expires: number): void {
    this.cache = this.cache.filter((e) => e.name !== name && e.expires > this.now());
    if (this.cache.length >= DNS_CACHE_MAX) {
      let soonest = 0;
      for (let i = 1; i < this.cache.length; i++)
        if (this.cache[i].expires < this.cache[soonest].expires) soonest = i;
      this.cache[soonest] = this.cache[this.cache.length - 1];
      this.cache.pop();
    }
    this.cache.push({ name, addresses, expires });
  }

  cacheSize(): number {
    return this.cache.length;
  }

  pendingQueries(): number {
    return this.queries.length;
  }

  tick(now: number): void {
    for (const q of this.queries.filter((x) => x.deadline <= now)) {
      if (q.attempt >= DNS_ATTEMPTS) this.finish(q, new DnsError(DnsErrorCode.Timeout, q.name), [], 0);
      else {
        this.counters.add('dns.retry');
        this.send(q, now);
      }
    }
  }

  nextTimer(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const q of this.queries) if (q.deadline < t) t = q.deadline;
    return t;
  }
}
