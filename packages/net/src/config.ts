/**
 * How the stack gets its address: DHCP, or a static configuration from `toro.json` or the kernel
 * command line. The command-line form is `ip=10.0.2.15/24,gw=10.0.2.2,dns=10.0.2.3` (dns may repeat,
 * `mask=255.255.255.0` may replace the prefix, `mtu=1400` is optional) or `ip=dhcp`. Parsed by hand.
 */
import { formatIp, maskToPrefix, parseIp, prefixToMask } from './bytes.js';

/** A fixed address, as a user configures it. Addresses are unsigned 32-bit numbers. */
export interface StaticConfig {
  address: number;
  netmask: number;
  /** 0: no default route (only the subnet is reachable). */
  gateway: number;
  dns: number[];
  /** 0: the link's MTU. */
  mtu?: number;
}

export type NetConfig = StaticConfig | 'dhcp';

/** The outcome of parsing: a config, or the reason it is not one. */
export interface NetConfigParse {
  config: NetConfig | null;
  error: string;
}

/** The most DNS servers a configuration keeps (RFC 1035 resolvers take three). */
export const MAX_DNS_SERVERS = 3;

function fail(error: string): NetConfigParse {
  return { config: null, error };
}

/** The most seconds `net.stats=` takes (an hour). */
export const MAX_STATS_SECONDS = 3600;

/**
 * The `net.stats=SECONDS` word of the kernel command line, how often the network owner logs every
 * counter: `{ ms }` (0 without the word), or `{ ms: 0, error }` for a value that is not a whole number
 * of seconds from 1 to MAX_STATS_SECONDS.
 */
export function parseStatsInterval(cmdline: string): { ms: number; error: string } {
  for (const word of cmdline.split(' ')) {
    if (!word.startsWith('net.stats=')) continue;
    const text = word.substring('net.stats='.length);
    const seconds = Number(text);
    if (text === '' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_STATS_SECONDS)
      return { ms: 0, error: `${word}: not a whole number of seconds from 1 to ${MAX_STATS_SECONDS}` };
    return { ms: seconds * 1000, error: '' };
  }
  return { ms: 0, error: '' };
}

/** Parses the command-line form described above. */
export function parseNetConfig(text: string): NetConfigParse {
  const s = text.trim();
  if (s.length === 0) return fail('empty network configuration');
  let address = -1;
  let prefix = -1;
  let netmask = -1;
  let gateway = 0;
  let mtu = 0;
  let dhcp = false;
  const dns: number[] = [];
  for (const raw of s.split(',')) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return fail(`'${item}' is not key=value`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 'ip') {
      if (address >= 0 || dhcp) return fail('ip= given twice');
      if (value === 'dhcp') {
        dhcp = true;
        continue;
      }
      const slash = value.indexOf('/');
      const ipText = slash >= 0 ? value.slice(0, slash) : value;
      address = parseIp(ipText);
      if (address < 0 || address === 0) return fail(`ip=${value}: '${ipText}' is not an IPv4 address`);
      if (slash >= 0) {
        prefix = parseSmallInt(value.slice(slash + 1), 32);
        if (prefix < 1) return fail(`ip=${value}: the prefix length must be 1 to 32`);
      }
    } else if (key === 'mask') {
      netmask = parseIp(value);
      if (netmask < 0 || maskToPrefix(netmask) < 1) return fail(`mask=${value} is not a contiguous netmask`);
    } else if (key === 'gw') {
      gateway = parseIp(value);
      if (gateway <= 0) return fail(`gw=${value} is not an IPv4 address`);
    } else if (key === 'dns') {
      const d = parseIp(value);
      if (d <= 0) return fail(`dns=${value} is not an IPv4 address`);
      if (dns.length >= MAX_DNS_SERVERS) return fail(`at most ${MAX_DNS_SERVERS} dns= servers`);
      dns.push(d);
    } else if (key === 'mtu') {
      mtu = parseSmallInt(value, 65535);
      if (mtu < 576) return fail(`mtu=${value}: the MTU must be 576 to 65535`);
    } else return fail(`unknown key '${key}' (ip, mask, gw, dns, mtu)`);
  }
  if (dhcp) {
    if (gateway !== 0 || dns.length > 0 || netmask >= 0) return fail('ip=dhcp takes no gw=, dns= or mask=');
    return { config: 'dhcp', error: '' };
  }
  if (address < 0) return fail('ip= is missing (ip=dhcp or ip=ADDRESS/PREFIX)');
  if (prefix >= 0 && netmask >= 0 && prefixToMask(prefix) !== netmask)
    return fail('the prefix and mask= disagree');
  if (prefix < 0 && netmask < 0) return fail('ip= needs a prefix length (ip=10.0.2.15/24) or a mask=');
  const mask = netmask >= 0 ? netmask : prefixToMask(prefix);
  if (gateway !== 0 && ((gateway ^ address) & mask) >>> 0 !== 0) {
    return fail(`gw=${formatIp(gateway)} is not on the subnet of ${formatIp(address)}/${maskToPrefix(mask)}`);
  }
  return { config: { address, netmask: mask, gateway, dns, mtu }, error: '' };
}

/** A decimal integer 0..max, or -1. */
function parseSmallInt(s: string, max: number): number {
  if (s.length === 0 || s.length > 6) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n <= max ? n : -1;
}

/** The command-line form of a configuration (what parseNetConfig reads back). */
export function formatNetConfig(c: NetConfig): string {
  if (c === 'dhcp') return 'ip=dhcp';
  let s = `ip=${formatIp(c.address)}/${maskToPrefix(c.netmask)}`;
  if (c.gateway !== 0) s += `,gw=${formatIp(c.gateway)}`;
  for (const d of c.dns) s += `,dns=${formatIp(d)}`;
  if (c.mtu !== undefined && c.mtu > 0) s += `,mtu=${c.mtu}`;
  return s;
}
