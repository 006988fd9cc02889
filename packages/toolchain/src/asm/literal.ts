/**
 * NASM literals: integers in every radix form NASM accepts, floating-point constants, and quoted strings
 * (backquoted strings take C-style escapes; single and double quotes are verbatim).
 */
import { AsmError } from './diagnostic.js';

const RADIX_LETTERS: Record<string, number> = { x: 16, h: 16, d: 10, t: 10, o: 8, q: 8, b: 2, y: 2 };

function digitsValid(body: string, radix: number): boolean {
  if (body.length === 0) return false;
  for (const ch of body) {
    const d = Number.parseInt(ch, 36);
    if (Number.isNaN(d) || d >= radix) return false;
  }
  return true;
}

function parseRadix(body: string, radix: number): bigint {
  let v = 0n;
  const r = BigInt(radix);
  for (const ch of body) v = v * r + BigInt(Number.parseInt(ch, 36));
  return BigInt.asUintN(64, v);
}

/** True when a numeric token is a floating-point constant rather than an integer. */
export function isFloatLiteral(text: string): boolean {
  const t = text.toLowerCase().replace(/_/g, '');
  if (/^0[xh][0-9a-f]*\.?[0-9a-f]*p[+-]?[0-9]+$/.test(t)) return true;
  return /^[0-9]*\.[0-9]*(e[+-]?[0-9]+)?$/.test(t) || /^[0-9]+e[+-]?[0-9]+$/.test(t);
}

/** Parse an integer literal (`0x1F`, `1Fh`, `$1F`, `0b101`, `101b`, `17q`, `1_000`…). */
export function parseInteger(text: string): bigint {
  let t = text.toLowerCase().replace(/_/g, '');
  if (t.startsWith('$')) {
    t = t.slice(1);
    if (digitsValid(t, 16)) return parseRadix(t, 16);
    throw new AsmError(`invalid number \`${text}'`);
  }
  if (t.length > 2 && t[0] === '0' && RADIX_LETTERS[t[1]] !== undefined) {
    const radix = RADIX_LETTERS[t[1]];
    const body = t.slice(2);
    if (digitsValid(body, radix)) return parseRadix(body, radix);
  }
  const last = t[t.length - 1];
  if (t.length > 1 && RADIX_LETTERS[last] !== undefined) {
    const radix = RADIX_LETTERS[last];
    const body = t.slice(0, -1);
    if (digitsValid(body, radix)) return parseRadix(body, radix);
  }
  if (digitsValid(t, 10)) return parseRadix(t, 10);
  throw new AsmError(
    `invalid number \`${text}'`,
    undefined,
    'numbers look like 42, 0x2A, 2Ah, 0b101010, 101010b, 0o52, 52q',
  );
}

/** Parse a floating-point literal (decimal, or hexadecimal with a `p` exponent) into a JS number. */
export function parseFloatLiteral(text: string): number {
  const t = text.toLowerCase().replace(/_/g, '');
  const hex = /^0[xh]([0-9a-f]*)\.?([0-9a-f]*)p([+-]?[0-9]+)$/.exec(t);
  if (hex) {
    const intPart = hex[1] || '0';
    const frac = hex[2] || '';
    let mant = Number.parseInt(intPart + frac || '0', 16);
    mant /= 16 ** frac.length;
    return mant * 2 ** Number.parseInt(hex[3], 10);
  }
  const n = Number(t.endsWith('.') ? `${t}0` : t.startsWith('.') ? `0${t}` : t);
  if (Number.isNaN(n)) throw new AsmError(`invalid floating-point constant \`${text}'`);
  return n;
}

function utf8(s: string): number[] {
  return Array.from(new TextEncoder().encode(s));
}

/**
 * Decode the body of a quoted string (without the quotes). Only backquoted strings interpret escapes,
 * exactly as NASM does.
 */
export function decodeString(body: string, quote: string): Uint8Array {
  if (quote !== '`') return new Uint8Array(utf8(body));
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      out.push(...utf8(ch));
      continue;
    }
    i++;
    const e = body[i];
    if (e === undefined) break;
    const simple: Record<string, number> = {
      "'": 0x27,
      '"': 0x22,
      '`': 0x60,
      '\\': 0x5c,
      '?': 0x3f,
      a: 7,
      b: 8,
      t: 9,
      n: 10,
      v: 11,
      f: 12,
      r: 13,
      e: 27,
    };
    if (simple[e] !== undefined) {
      out.push(simple[e]);
    } else if (/[0-7]/.test(e)) {
      let j = i;
      let s = '';
      while (j < body.length && s.length < 3 && /[0-7]/.test(body[j])) s += body[j++];
      out.push(Number.parseInt(s, 8) & 0xff);
      i = j - 1;
    } else if (e === 'x') {
      let j = i + 1;
      let s = '';
      while (j < body.length && s.length < 2 && /[0-9a-fA-F]/.test(body[j])) s += body[j++];
      out.push(s ? Number.parseInt(s, 16) : 0);
      i = j - 1;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const s = body.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(s)) throw new AsmError(`invalid \\${e} escape in string`);
      out.push(...utf8(String.fromCodePoint(Number.parseInt(s, 16))));
      i += s.length;
    } else {
      out.push(...utf8(e));
    }
  }
  return new Uint8Array(out);
}

/** A string used as a number (`'ab'`): first character in the lowest byte, at most 8 bytes. */
export function stringToInteger(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = Math.min(bytes.length, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}
