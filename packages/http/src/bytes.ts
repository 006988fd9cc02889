/**
 * Octets of HTTP/1.1 syntax (RFC 9110 §5.6, RFC 9112): the token characters, whitespace, and ISO-8859-1
 * text, which is what header bytes mean (RFC 9110 §5.5: a recipient treats other octets as opaque data).
 */

export const CR = 13;
export const LF = 10;
export const SP = 32;
export const HTAB = 9;
export const COLON = 58;

/** tchar of RFC 9110 §5.6.2: the characters of a method, a field name, a transfer coding. */
export function isTokenChar(c: number): boolean {
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  // ! # $ % & ' * + - . ^ _ ` | ~
  return (
    c === 0x21 ||
    (c >= 0x23 && c <= 0x27) ||
    c === 0x2a ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5e ||
    c === 0x5f ||
    c === 0x60 ||
    c === 0x7c ||
    c === 0x7e
  );
}

/** Whether every character of `s` is a tchar (and there is at least one). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** A field value's octet (RFC 9110 §5.5): visible, SP, HTAB or obs-text; never NUL, CR, LF or another CTL. */
export function isFieldValueChar(c: number): boolean {
  return c === HTAB || (c >= 0x20 && c !== 0x7f && c <= 0xff);
}

/** The index of the first `c` in b[from..to), or -1. */
export function indexOf(b: Uint8Array, c: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === c) return i;
  return -1;
}

/** The index of the next LF in b[from..end), or -1; a CR not followed by LF is left to the caller. */
export function lineEnd(b: Uint8Array, from: number, end: number): number {
  return indexOf(b, LF, from, end);
}

/** The bytes from `start` to `end` as ISO-8859-1 text: one character per octet. */
export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  let i = start;
  // Eight at a time: fewer concatenations.
  while (i + 8 <= end) {
    s += String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    i += 8;
  }
  while (i < end) {
    s += String.fromCharCode(b[i]);
    i++;
  }
  return s;
}

/** ASCII lower case, which is how field names and codings compare (they are case-insensitive). */
export function lowerAscii(s: string): string {
  let upper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  return upper ? s.toLowerCase() : s;
}

/** `s` without leading and trailing SP and HTAB (optional whitespace, RFC 9110 §5.6.3). */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === SP || s.charCodeAt(a) === HTAB)) a++;
  while (b > a && (s.charCodeAt(b - 1) === SP || s.charCodeAt(b - 1) === HTAB)) b--;
  return a === 0 && b === s.length ? s : s.substring(a, b);
}

/** The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty ones dropped. */
export function listElements(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i === value.length || value.charCodeAt(i) === 0x2c) {
      const e = trimOws(value.substring(start, i));
      if (e.length > 0) out.push(e);
      start = i + 1;
    }
  }
  return out;
}
