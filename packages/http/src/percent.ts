/**
 * Percent-encoding (URL standard §1.3): strings to UTF-8 escapes under a given set of bytes kept as they
 * are, and escapes back to strings — strictly, as decodeURIComponent does (a malformed escape or bytes
 * that are not UTF-8 are an error), or leniently, as URL parsing and forms do (a malformed escape stays
 * as it is, bad UTF-8 becomes U+FFFD).
 */

const HEX = '0123456789ABCDEF';

/**
 * `s` with every byte of its UTF-8 form for which `keep` is false written `%XX`; with `spaceAsPlus`, a
 * space is `+` (application/x-www-form-urlencoded). A lone surrogate is encoded as U+FFFD, as
 * TextEncoder does.
 */
export function percentEncode(s: string, keep: (byte: number) => boolean, spaceAsPlus = false): string {
  let out = '';
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || !keep(c) || (spaceAsPlus && c === 0x20)) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  for (const b of new TextEncoder().encode(s)) {
    if (spaceAsPlus && b === 0x20) out += '+';
    else if (b < 0x80 && keep(b)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** The bytes of `s` with its `%XX` escapes decoded; a malformed escape stays as its characters. */
function percentBytes(s: string): Uint8Array {
  const chars = new TextEncoder().encode(s);
  const out = new Uint8Array(chars.length);
  let n = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const hi = c === 37 && i + 2 < chars.length ? hexValue(chars[i + 1]) : -1;
    const lo = hi >= 0 ? hexValue(chars[i + 2]) : -1;
    if (lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/** `%XX` escapes decoded as UTF-8, leniently: malformed escapes kept, bytes that are not UTF-8 as U+FFFD. */
export function decodeUtf8Lossy(s: string): string {
  if (s.indexOf('%') < 0) return s;
  return new TextDecoder().decode(percentBytes(s));
}

const hexValue = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
};

/**
 * `%XX` escapes decoded as UTF-8 (as decodeURIComponent does); undefined where an escape is malformed
 * or the bytes are not UTF-8.
 */
export function decodePercent(s: string): string | undefined {
  if (s.indexOf('%') < 0) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      const hi = i + 2 < s.length ? hexValue(s.charCodeAt(i + 1)) : -1;
      const lo = i + 2 < s.length ? hexValue(s.charCodeAt(i + 2)) : -1;
      if (hi < 0 || lo < 0) return undefined;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 128) bytes.push(c);
    else {
      const encoded = new TextEncoder().encode(s[i]);
      for (const b of encoded) bytes.push(b);
    }
  }
  return validUtf8(bytes) ? new TextDecoder().decode(new Uint8Array(bytes)) : undefined;
}

/** Whether `b` is well-formed UTF-8 (RFC 3629: shortest forms, no surrogates, at most U+10FFFF). */
function validUtf8(b: number[]): boolean {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let more = 0;
    let min = 0;
    if (c < 0x80) more = 0;
    else if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      min = 0x10000;
    } else return false;
    if (i + more >= b.length) return false;
    let cp = more === 0 ? c : c & (0x3f >> more);
    for (let k = 1; k <= more; k++) {
      const x = b[i + k];
      if ((x & 0xc0) !== 0x80) return false;
      cp = cp * 64 + (x & 0x3f);
    }
    if (more > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return false;
    i += more + 1;
  }
  return true;
}
