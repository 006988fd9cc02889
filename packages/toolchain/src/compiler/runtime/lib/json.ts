/**
 * Runtime (TypeScript subset): JSON.stringify and JSON.parse (ECMA-262 §25.5) over the runtime's
 * values: objects serialise their own properties in insertion order (function-valued and
 * undefined ones are skipped, `toJSON` methods are called), arrays their elements (holes and
 * unserialisable values become null), class instances like objects, Map/Set as `{}`; an error's
 * `message` and `stack` are not enumerable in JavaScript and are skipped. JSON.parse builds plain objects and
 * arrays and throws SyntaxError on malformed text (Node's messages for the common cases).
 */
import { get as arrayGet, length as arrayLength, arrayNew, push } from './array.js';
import { isError } from './console.js';
import { refuse, syntaxError, typeError } from './errors.js';
import { numberToString } from './number.js';
import { stringToNumber } from './numconv.js';
import { get, objectNew, set } from './object.js';
import { allocString, concat, isWide, joinStrings, loneSurrogate, unitString } from './string.js';
import { sub } from './strmethods.js';

declare function __ld(o: unknown, i: number): unknown;
declare function __tag(v: unknown): number;
declare function __same(a: unknown, b: unknown): boolean;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
declare function __str_len(s: string): number;
declare function __str_byte(s: string, i: number): number;
declare function __str_set(s: string, i: number, b: number): void;
declare function __callm1(f: unknown, self: unknown, a: unknown): unknown;

/** The gap (indent) from JSON.stringify's third argument. */
function gapOf(space: unknown): string {
  const tag = __tag(space);
  if (tag === 0) {
    let n = Math.trunc(__as_number(space));
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    if (n !== n) n = 0;
    if (n > 10) n = 10;
    let g = '';
    for (let i = 0; i < n; i++) g = concat(g, ' ');
    return g;
  }
  if (tag === 4) {
    const s = __as_string(space);
    return __str_len(s) > 10 ? sub(s, 0, 10) : s;
  }
  return '';
}

function hex(d: number): number {
  return d < 10 ? 48 + d : 87 + d;
}

/**
 * QuoteJSONString: other units stay as they are (non-ASCII included), except control characters
 * and lone surrogates, which become \u escapes (lowercase hex, as V8 writes them).
 */
export function quoteJson(s: string): string {
  const n = __str_len(s);
  let extra = 2;
  for (let i = 0; i < n; i++) {
    const b = __str_byte(s, i);
    if (b === 34 || b === 92 || b === 8 || b === 9 || b === 10 || b === 12 || b === 13) extra++;
    else if (b < 32 || loneSurrogate(s, i)) extra += 5;
  }
  const r = allocString(n + extra, isWide(s));
  let at = 0;
  __str_set(r, at++, 34);
  for (let i = 0; i < n; i++) {
    const b = __str_byte(s, i);
    let esc = 0;
    if (b === 34 || b === 92) esc = b;
    else if (b === 8) esc = 98;
    else if (b === 9) esc = 116;
    else if (b === 10) esc = 110;
    else if (b === 12) esc = 102;
    else if (b === 13) esc = 114;
    if (esc > 0) {
      __str_set(r, at++, 92);
      __str_set(r, at++, esc);
    } else if (b < 32 || loneSurrogate(s, i)) {
      __str_set(r, at++, 92);
      __str_set(r, at++, 117);
      __str_set(r, at++, hex(Math.floor(b / 4096)));
      __str_set(r, at++, hex(Math.floor(b / 256) % 16));
      __str_set(r, at++, hex(Math.floor(b / 16) % 16));
      __str_set(r, at++, hex(b % 16));
    } else __str_set(r, at++, b);
  }
  __str_set(r, at, 34);
  return r;
}

/** The objects being serialised, innermost last (cycle detection). */
function onStack(stack: unknown[], v: unknown): boolean {
  for (let i = 0; i < stack.length; i++) if (__same(stack[i], v)) return true;
  return false;
}

/** The value SerializeJSONProperty works on: the result of a `toJSON` method when there is one. */
function prepare(key: string, v: unknown): unknown {
  if (__tag(v) === 7) {
    const toJson = get(v, 'toJSON');
    if (__tag(toJson) === 8) return __callm1(toJson, v, key);
  }
  return v;
}

/** undefined, functions and classes have no JSON form (skipped in objects, null in arrays). */
function serializable(v: unknown): boolean {
  const tag = __tag(v);
  return tag !== 1 && tag !== 8 && tag !== 9;
}

/**
 * Appends the JSON text of a prepared, serialisable value to `parts` (joined once at the end:
 * building the text by repeated concatenation would copy it quadratically).
 */
function write(value: unknown, parts: string[], stack: unknown[], gap: string, indent: string): void {
  const tag = __tag(value);
  if (tag === 2) parts.push('null');
  else if (tag === 3) parts.push(__as_boolean(value) ? 'true' : 'false');
  else if (tag === 4) parts.push(quoteJson(__as_string(value)));
  else if (tag === 0) {
    const x = __as_number(value);
    // biome-ignore lint/suspicious/noSelfCompare: the NaN test (x !== x) of the runtime's subset
    parts.push(x !== x || x === Infinity || x === -Infinity ? 'null' : numberToString(x));
  } else {
    if (onStack(stack, value)) typeError('Converting circular structure to JSON');
    stack.push(value);
    const inner = concat(indent, gap);
    const hasGap = __str_len(gap) > 0;
    const sep = hasGap ? concat(',\n', inner) : ',';
    const open = tag === 5 ? '[' : '{';
    parts.push(open);
    const start = parts.length;
    if (tag === 5) {
      const n = arrayLength(value);
      for (let i = 0; i < n; i++) {
        parts.push(i === 0 ? (hasGap ? concat('\n', inner) : '') : sep);
        const v = prepare(numberToString(i), arrayGet(value, i));
        if (serializable(v)) write(v, parts, stack, gap, inner);
        else parts.push('null');
      }
    } else if (tag === 7) {
      const n = __as_number(__ld(value, 3));
      const error = isError(value);
      let count = 0;
      for (let i = 0; i < n; i++) {
        const k = __as_string(__ld(__ld(value, 1), i));
        if (error && (k === 'message' || k === 'stack')) continue;
        const v = prepare(k, __ld(__ld(value, 2), i));
        if (!serializable(v)) continue;
        parts.push(count === 0 ? (hasGap ? concat('\n', inner) : '') : sep);
        parts.push(quoteJson(k));
        parts.push(hasGap ? ': ' : ':');
        write(v, parts, stack, gap, inner);
        count++;
      }
    }
    if (parts.length > start && hasGap) parts.push(concat('\n', indent));
    parts.push(tag === 5 ? ']' : '}');
    stack.pop();
  }
}

/** JSON.stringify(value, replacer, space). */
export function stringify(value: unknown, replacer: unknown, space: unknown): unknown {
  const rt = __tag(replacer);
  if (rt !== 1 && rt !== 2) refuse('a JSON.stringify replacer');
  const v = prepare('', value);
  // JavaScript returns undefined here, which TypeScript's signature (string) does not admit.
  if (!serializable(v)) refuse('JSON.stringify of undefined or a function (its result is not a string)');
  const parts: string[] = [];
  const stack: unknown[] = [];
  write(v, parts, stack, gapOf(space), '');
  return joinStrings(parts);
}

// JSON.parse: a recursive-descent parser over the bytes of the text; each step returns the value
// and the position after it.

function isWs(b: number): boolean {
  return b === 32 || b === 9 || b === 10 || b === 13;
}

function skip(s: string, at: number): number {
  const n = __str_len(s);
  let i = at;
  while (i < n && isWs(__str_byte(s, i))) i++;
  return i;
}

/** Node's message for an unexpected character (or the end) at `at`. */
function unexpected(s: string, at: number): never {
  const n = __str_len(s);
  if (at >= n) return syntaxError('Unexpected end of JSON input');
  const c = sub(s, at, at + 1);
  const text =
    n < 32
      ? concat(concat(', "', s), '" is not valid JSON')
      : concat(' in JSON at position ', numberToString(at));
  return syntaxError(concat(concat(concat("Unexpected token '", c), "'"), text));
}

/** Parsed values come back as [value, end position] pairs (the subset has no out-parameters). */
function result(v: unknown, end: number): unknown[] {
  return [v, end];
}

function parseValue(s: string, at: number): unknown[] {
  const n = __str_len(s);
  const i = skip(s, at);
  if (i >= n) unexpected(s, i);
  const b = __str_byte(s, i);
  if (b === 123) return parseObject(s, i + 1);
  if (b === 91) return parseArray(s, i + 1);
  if (b === 34) return parseString(s, i + 1);
  if (b === 45 || (b >= 48 && b <= 57)) return parseNumber(s, i);
  if (word(s, i, 'true')) return result(true, i + 4);
  if (word(s, i, 'false')) return result(false, i + 5);
  if (word(s, i, 'null')) return result(null, i + 4);
  return unexpected(s, i);
}

function word(s: string, at: number, w: string): boolean {
  const m = __str_len(w);
  if (at + m > __str_len(s)) return false;
  for (let j = 0; j < m; j++) if (__str_byte(s, at + j) !== __str_byte(w, j)) return false;
  return true;
}

function digitsFrom(s: string, at: number): number {
  const n = __str_len(s);
  let i = at;
  while (i < n && __str_byte(s, i) >= 48 && __str_byte(s, i) <= 57) i++;
  return i;
}

function parseNumber(s: string, at: number): unknown[] {
  const n = __str_len(s);
  let i = at;
  if (__str_byte(s, i) === 45) i++;
  if (i >= n) unexpected(s, i);
  if (__str_byte(s, i) === 48) i++;
  else {
    const e = digitsFrom(s, i);
    if (e === i) unexpected(s, i);
    i = e;
  }
  if (i < n && __str_byte(s, i) === 46) {
    const e = digitsFrom(s, i + 1);
    if (e === i + 1) unexpected(s, e);
    i = e;
  }
  if (i < n && (__str_byte(s, i) === 101 || __str_byte(s, i) === 69)) {
    let j = i + 1;
    if (j < n && (__str_byte(s, j) === 43 || __str_byte(s, j) === 45)) j++;
    const e = digitsFrom(s, j);
    if (e === j) unexpected(s, e);
    i = e;
  }
  return result(stringToNumber(sub(s, at, i)), i);
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

function parseString(s: string, at: number): unknown[] {
  const n = __str_len(s);
  let out = '';
  let from = at;
  let i = at;
  for (;;) {
    if (i >= n) syntaxError(concat('Unterminated string in JSON at position ', numberToString(i)));
    const b = __str_byte(s, i);
    if (b === 34) break;
    if (b < 32)
      syntaxError(concat('Bad control character in string literal in JSON at position ', numberToString(i)));
    if (b !== 92) {
      i++;
      continue;
    }
    out = concat(out, sub(s, from, i));
    if (i + 1 >= n) syntaxError(concat('Unterminated string in JSON at position ', numberToString(i + 1)));
    const e = __str_byte(s, i + 1);
    let c = -1;
    if (e === 34 || e === 92 || e === 47) c = e;
    else if (e === 98) c = 8;
    else if (e === 102) c = 12;
    else if (e === 110) c = 10;
    else if (e === 114) c = 13;
    else if (e === 116) c = 9;
    let len = 2;
    if (e === 117) {
      c = 0;
      for (let k = 0; k < 4; k++) {
        const h = i + 2 + k < n ? hexValue(__str_byte(s, i + 2 + k)) : -1;
        if (h < 0) syntaxError(concat('Bad Unicode escape in JSON at position ', numberToString(i)));
        c = c * 16 + h;
      }
      len = 6;
    }
    if (c < 0) syntaxError(concat('Bad escaped character in JSON at position ', numberToString(i + 1)));
    out = concat(out, unitString(c));
    i += len;
    from = i;
  }
  out = concat(out, sub(s, from, i));
  return result(out, i + 1);
}

function parseArray(s: string, at: number): unknown[] {
  const a = arrayNew(0);
  let i = skip(s, at);
  if (i < __str_len(s) && __str_byte(s, i) === 93) return result(a, i + 1);
  for (;;) {
    const r = parseValue(s, i);
    push(a, r[0]);
    i = skip(s, __as_number(r[1]));
    if (i < __str_len(s) && __str_byte(s, i) === 44) {
      i++;
      continue;
    }
    if (i < __str_len(s) && __str_byte(s, i) === 93) return result(a, i + 1);
    return unexpected(s, i);
  }
}

function parseObject(s: string, at: number): unknown[] {
  const o = objectNew(0);
  let i = skip(s, at);
  const n = __str_len(s);
  if (i < n && __str_byte(s, i) === 125) return result(o, i + 1);
  for (;;) {
    if (i >= n || __str_byte(s, i) !== 34) {
      if (i >= n) unexpected(s, i);
      syntaxError(concat("Expected property name or '}' in JSON at position ", numberToString(i)));
    }
    const k = parseString(s, i + 1);
    i = skip(s, __as_number(k[1]));
    if (i >= n || __str_byte(s, i) !== 58) {
      if (i >= n) unexpected(s, i);
      syntaxError(concat("Expected ':' after property name in JSON at position ", numberToString(i)));
    }
    const r = parseValue(s, i + 1);
    set(o, __as_string(k[0]), r[0]);
    i = skip(s, __as_number(r[1]));
    if (i < n && __str_byte(s, i) === 44) {
      i = skip(s, i + 1);
      continue;
    }
    if (i < n && __str_byte(s, i) === 125) return result(o, i + 1);
    if (i >= n) unexpected(s, i);
    return syntaxError(
      concat("Expected ',' or '}' after property value in JSON at position ", numberToString(i)),
    );
  }
}

export function parse(text: string): unknown {
  const r = parseValue(text, 0);
  const end = skip(text, __as_number(r[1]));
  if (end < __str_len(text))
    syntaxError(concat('Unexpected non-whitespace character after JSON at position ', numberToString(end)));
  return r[0];
}
