/**
 * Runtime (TypeScript subset): TextEncoder/TextDecoder (UTF-8 only, the WHATWG Encoding
 * standard's algorithms: a lone surrogate encodes as U+FFFD, a leading BOM is dropped, every
 * invalid sequence decodes to U+FFFD exactly where the standard's decoder emits one) and
 * atob/btoa (the HTML standard's forgiving base64, with Node's InvalidCharacterError messages).
 */
import { makeError } from './errors.js';
import { set } from './object.js';
import { allocString } from './string.js';
import { byteAt, bytesOf, newBytes, setByte, length as typedLength } from './typed.js';

declare function __str_len(s: string): number;
declare function __str_byte(s: string, i: number): number;
declare function __str_set(s: string, i: number, c: number): void;
declare function __gget(slot: number): unknown;
declare function __throw(v: unknown): never;

/** `encoder.encode(s)`: s's UTF-8 bytes in a new Uint8Array. */
export function encode(s: unknown): unknown {
  if (s === undefined) return newBytes(0);
  const text = s as string;
  const n = __str_len(text);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let c = __str_byte(text, i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? __str_byte(text, i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + (c - 0xd800) * 1024 + (next - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  const r = newBytes(out.length);
  for (let i = 0; i < out.length; i++) setByte(r, i, out[i]);
  return r;
}

function unitsString(units: number[]): string {
  let wide = false;
  for (let i = 0; i < units.length; i++) if (units[i] > 0xff) wide = true;
  const s = allocString(units.length, wide);
  for (let i = 0; i < units.length; i++) __str_set(s, i, units[i]);
  return s;
}

function pushCodePoint(units: number[], c: number): void {
  if (c < 0x10000) units.push(c);
  else {
    const v = c - 0x10000;
    units.push(0xd800 + Math.floor(v / 1024), 0xdc00 + (v % 1024));
  }
}

/** `decoder.decode(input)`: the WHATWG UTF-8 decoder, replacement mode, BOM dropped. */
export function decode(input: unknown): string {
  if (input === undefined) return '';
  const bytes = bytesOf(input);
  const n = typedLength(bytes);
  const units: number[] = [];
  let i = 0;
  if (n >= 3 && byteAt(bytes, 0) === 0xef && byteAt(bytes, 1) === 0xbb && byteAt(bytes, 2) === 0xbf) i = 3;
  let code = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  while (i < n) {
    const b = byteAt(bytes, i);
    if (needed === 0) {
      i++;
      if (b < 0x80) units.push(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        code = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        code = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        code = b & 0x7;
      } else units.push(0xfffd);
      continue;
    }
    if (b < lower || b > upper) {
      // The byte is not consumed: it starts the next sequence.
      code = 0;
      needed = 0;
      seen = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(0xfffd);
      continue;
    }
    i++;
    lower = 0x80;
    upper = 0xbf;
    code = code * 64 + (b & 0x3f);
    seen++;
    if (seen === needed) {
      pushCodePoint(units, code);
      code = 0;
      needed = 0;
      seen = 0;
    }
  }
  if (needed !== 0) units.push(0xfffd);
  return unitsString(units);
}

function invalidCharacter(message: string): never {
  const e = makeError(__gget(0), message);
  set(e, 'name', 'InvalidCharacterError');
  return __throw(e);
}

function base64Digit(d: number): number {
  if (d < 26) return 65 + d;
  if (d < 52) return 97 + d - 26;
  if (d < 62) return 48 + d - 52;
  return d === 62 ? 43 : 47;
}

/** `btoa(s)`: base64 of s's units, each a byte (a unit past 0xFF is an InvalidCharacterError). */
export function btoa(s: string): string {
  const n = __str_len(s);
  for (let i = 0; i < n; i++) if (__str_byte(s, i) > 0xff) invalidCharacter('Invalid character');
  const units: number[] = [];
  for (let i = 0; i < n; i += 3) {
    const a = __str_byte(s, i);
    const b = i + 1 < n ? __str_byte(s, i + 1) : 0;
    const c = i + 2 < n ? __str_byte(s, i + 2) : 0;
    units.push(base64Digit(a >> 2), base64Digit(((a & 3) << 4) | (b >> 4)));
    units.push(i + 1 < n ? base64Digit(((b & 15) << 2) | (c >> 6)) : 61);
    units.push(i + 2 < n ? base64Digit(c & 63) : 61);
  }
  return unitsString(units);
}

/** A base64 character's value, -1 for `=`, -2 for ASCII white space, -3 otherwise. */
function base64Value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97 + 26;
  if (c >= 48 && c <= 57) return c - 48 + 52;
  if (c === 43) return 62;
  if (c === 47) return 63;
  if (c === 61) return -1;
  if (c === 9 || c === 10 || c === 12 || c === 13 || c === 32) return -2;
  return -3;
}

/** `atob(s)`: forgiving base64 as Node 20 checks it (its two messages), decoded to Latin-1 units. */
export function atob(s: string): string {
  const n = __str_len(s);
  let count = 0;
  let equals = 0;
  for (let i = 0; i < n; i++) {
    const v = base64Value(__str_byte(s, i));
    if (v === -3) invalidCharacter('Invalid character');
    if (v === -2) continue;
    count++;
    if (v === -1) equals++;
    else if (equals > 0) invalidCharacter('Invalid character');
    if (equals > 2) invalidCharacter('Invalid character');
  }
  let reminder = count % 4;
  if (reminder === 0) reminder = (count - equals) % 4;
  else if (equals > 0) invalidCharacter('Invalid character');
  if (reminder === 1) invalidCharacter('The string to be decoded is not correctly encoded.');
  const units: number[] = [];
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const v = base64Value(__str_byte(s, i));
    if (v < 0) continue;
    acc = acc * 64 + v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const p = 2 ** bits;
      units.push(Math.floor(acc / p));
      acc = acc % p;
    }
  }
  return unitsString(units);
}
