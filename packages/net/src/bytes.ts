/**
 * Byte and address helpers every layer shares: big-endian reads and writes on Uint8Array, IPv4
 * addresses as unsigned 32-bit numbers and MAC addresses as 6 bytes, to and from their text forms.
 * Parsing is by hand (the compiler subset has no regular expressions).
 */

export function read16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function read32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export function write16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

export function write32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** 255.255.255.255: the limited broadcast address. */
export const IP_BROADCAST = 0xffffffff;

/** Whether `a` is a class D multicast address (224.0.0.0/4). */
export function isMulticast(a: number): boolean {
  return a >>> 28 === 14;
}

/** Dotted-quad text of an address. */
export function formatIp(a: number): string {
  return `${(a >>> 24) & 0xff}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** Parses a dotted quad ("10.0.2.15"); -1 when the text is not exactly four decimal bytes. */
export function parseIp(s: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      // A leading zero followed by more digits is refused (octal ambiguity).
      if (digits === 1 && part === 0) return -1;
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
      if (parts > 4) return -1;
    } else return -1;
  }
  return parts === 4 ? value >>> 0 : -1;
}

/** The netmask of a prefix length 0..32. */
export function prefixToMask(prefix: number): number {
  if (prefix <= 0) return 0;
  if (prefix >= 32) return 0xffffffff;
  return (0xffffffff << (32 - prefix)) >>> 0;
}

/** The prefix length of a contiguous netmask, or -1 when the mask has holes. */
export function maskToPrefix(mask: number): number {
  let n = 0;
  while (n < 32 && ((mask >>> (31 - n)) & 1) === 1) n++;
  return prefixToMask(n) === mask >>> 0 ? n : -1;
}

const HEX = '0123456789abcdef';

/** aa:bb:cc:dd:ee:ff text of a MAC address. */
export function formatMac(m: Uint8Array): string {
  let s = '';
  for (let i = 0; i < m.length; i++) {
    if (i > 0) s += ':';
    s += HEX[(m[i] >>> 4) & 15] + HEX[m[i] & 15];
  }
  return s;
}

/** Whether `len` bytes of `a` at `ao` equal those of `b` at `bo`. */
export function bytesEqual(a: Uint8Array, ao: number, b: Uint8Array, bo: number, len: number): boolean {
  if (ao + len > a.length || bo + len > b.length) return false;
  for (let i = 0; i < len; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}
