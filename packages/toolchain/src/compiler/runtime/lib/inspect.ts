/**
 * Runtime (TypeScript subset): console.log's view of a value, as Node's util.inspect prints it with
 * its defaults (depth 2, breakLength 80, compact 3, at most 100 array items): strings inside
 * containers quoted with Node's quote choice and escapes, arrays and objects on one line when they
 * fit, otherwise one entry per line or, for arrays of more than six entries, grouped in columns.
 *
 * Node's "current depth" (how deep the most recently entered container was) decides whether a
 * container may be printed on one line; it lives in scratch word CURRENT_DEPTH.
 */

import { get } from './array.js';
import { className, classString } from './classes.js';
import { size, snapshot } from './collections.js';
import { errorString, isError, logNumber } from './console.js';
import { refuse } from './errors.js';
import { count, get as getProperty, keyAt, valueAt } from './object.js';
import { concat, equals, joinStrings, loneSurrogate, unitString } from './string.js';
import { endsWith, includes, replace, startsWith, sub } from './strmethods.js';
import {
  buffer,
  byteAt,
  byteLength,
  byteOffset,
  bytesOf,
  get as typedGet,
  length as typedLength,
  typedName,
} from './typed.js';

declare function __tag(v: unknown): number;
declare function __ld(o: unknown, i: number): unknown;
declare function __hole(): unknown;
declare function __same(a: unknown, b: unknown): boolean;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
declare function __str_len(s: string): number;
declare function __str_byte(s: string, i: number): number;
declare function __scratch_get(i: number): number;
declare function __scratch_set(i: number, v: number): void;

const CURRENT_DEPTH = 2046;
const BREAK_LENGTH = 80;
const MAX_ARRAY_LENGTH = 100;

function spaces(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s = concat(s, ' ');
  return s;
}

function contains(s: string, c: number): boolean {
  const n = __str_len(s);
  for (let i = 0; i < n; i++) if (__str_byte(s, i) === c) return true;
  return false;
}

function hex(d: number): string {
  return d < 10 ? numberChar(48 + d) : numberChar(55 + d);
}

function lowerHex(d: number): string {
  return d < 10 ? numberChar(48 + d) : numberChar(87 + d);
}

function numberChar(c: number): string {
  return unitString(c);
}

/** Node's strEscape: single quotes unless the string has some and lacks another kind of quote. */
export function quote(s: string): string {
  let q = 39;
  if (contains(s, 39)) {
    if (!contains(s, 34)) q = 34;
    else if (!contains(s, 96) && !hasTemplateStart(s)) q = 96;
  }
  let out = numberChar(q);
  const n = __str_len(s);
  for (let i = 0; i < n; i++) {
    const c = __str_byte(s, i);
    if (c === q || c === 92) out = concat(concat(out, '\\'), numberChar(c));
    else if (c === 8) out = concat(out, '\\b');
    else if (c === 9) out = concat(out, '\\t');
    else if (c === 10) out = concat(out, '\\n');
    else if (c === 12) out = concat(out, '\\f');
    else if (c === 13) out = concat(out, '\\r');
    else if (c < 32 || (c >= 127 && c <= 159)) {
      out = concat(concat(out, '\\x'), concat(hex(Math.floor(c / 16)), hex(c % 16)));
    } else if (loneSurrogate(s, i)) {
      // Node writes a lone surrogate as \uXXXX in lowercase hex (C1 controls above in uppercase).
      out = concat(out, '\\u');
      for (let k = 4096; k >= 1; k /= 16) out = concat(out, lowerHex(Math.floor(c / k) % 16));
    } else out = concat(out, numberChar(c));
  }
  return concat(out, numberChar(q));
}

function hasTemplateStart(s: string): boolean {
  const n = __str_len(s);
  for (let i = 0; i + 1 < n; i++) if (__str_byte(s, i) === 36 && __str_byte(s, i + 1) === 123) return true;
  return false;
}

function isIdentifier(s: string): boolean {
  const n = __str_len(s);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = __str_byte(s, i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
}

/** util.inspect(v) at nesting level `level`, indented by `indent` columns. */
export function formatValue(v: unknown, level: number, indent: number): string {
  const tag = __tag(v);
  if (tag === 0) return logNumber(__as_number(v));
  if (tag === 1) return 'undefined';
  if (tag === 2) return 'null';
  if (tag === 3) return __as_boolean(v) ? 'true' : 'false';
  if (tag === 4) return quote(__as_string(v));
  if (tag === 5) {
    // Past the depth limit Node still prints empty containers in full ([], {}, F {}, Map(0) {}).
    if (level > 2 && __as_number(__ld(v, 0)) > 0) return '[Array]';
    return formatArray(v, level, indent);
  }
  if (tag === 7) {
    if (isError(v)) return formatError(v, level, indent);
    const c = __ld(v, 0);
    if (level > 2 && __as_number(__ld(v, 3)) > 0)
      return __tag(c) === 9 ? concat(concat('[', className(c)), ']') : '[Object]';
    return formatObject(v, level, indent);
  }
  if (tag === 9) return classString(v);
  if (tag === 10 || tag === 11) {
    if (level > 2 && __as_number(__ld(v, 3)) > 0) return tag === 10 ? '[Map]' : '[Set]';
    return formatCollection(v, tag === 10, level, indent);
  }
  if (tag === 13) {
    if (level > 2) return '[ArrayBuffer]';
    return formatBuffer(v, level, indent);
  }
  if (tag === 14) {
    const n = typedLength(v);
    const open = concat(concat(concat(typedName(v), '('), logNumber(n)), ') [');
    if (n === 0) return concat(open, ']');
    if (level > 2) return concat(concat('[', typedName(v)), ']');
    __scratch_set(CURRENT_DEPTH, level);
    const output: string[] = [];
    const numbers: boolean[] = [];
    for (let i = 0; i < n && i < MAX_ARRAY_LENGTH; i++) {
      output.push(logNumber(__as_number(typedGet(v, i))));
      numbers.push(true);
    }
    if (n > MAX_ARRAY_LENGTH) {
      const left = n - MAX_ARRAY_LENGTH;
      output.push(concat(concat('... ', logNumber(left)), left > 1 ? ' more items' : ' more item'));
    }
    return reduceToSingleString(output, open, ']', numbers, level, indent);
  }
  if (tag === 15) {
    if (level > 2) return '[DataView]';
    __scratch_set(CURRENT_DEPTH, level);
    const output: string[] = [
      concat('byteLength: ', logNumber(byteLength(v))),
      concat('byteOffset: ', logNumber(byteOffset(v))),
      concat('buffer: ', formatValue(buffer(v), level + 1, indent + 2)),
    ];
    return reduceToSingleString(output, 'DataView {', '}', [], level, indent);
  }
  if (tag === 8) {
    const name = __ld(v, 2);
    if (__tag(name) === 4 && __str_len(__as_string(name)) > 0)
      return concat(concat('[Function: ', __as_string(name)), ']');
    return '[Function (anonymous)]';
  }
  return '[unknown]';
}

/** Node's `ArrayBuffer { [Uint8Contents]: <01 02>, byteLength: 2 }` (at most 100 bytes shown). */
function formatBuffer(b: unknown, level: number, indent: number): string {
  const n = byteLength(b);
  const bytes = bytesOf(b);
  const parts: string[] = [];
  for (let i = 0; i < n && i < MAX_ARRAY_LENGTH; i++) {
    if (i > 0) parts.push(' ');
    const x = byteAt(bytes, i);
    parts.push(concat(lowerHex(Math.floor(x / 16)), lowerHex(x % 16)));
  }
  if (n > MAX_ARRAY_LENGTH) {
    const left = n - MAX_ARRAY_LENGTH;
    parts.push(concat(concat(' ... ', logNumber(left)), left > 1 ? ' more bytes' : ' more byte'));
  }
  __scratch_set(CURRENT_DEPTH, level);
  const output: string[] = [
    concat(concat('[Uint8Contents]: <', joinStrings(parts)), '>'),
    concat('byteLength: ', logNumber(n)),
  ];
  return reduceToSingleString(output, 'ArrayBuffer {', '}', [], level, indent);
}

function formatArray(a: unknown, level: number, indent: number): string {
  const n = __as_number(__ld(a, 0));
  if (n === 0) return '[]';
  __scratch_set(CURRENT_DEPTH, level);
  const output: string[] = [];
  const numbers: boolean[] = [];
  const store = __ld(a, 1);
  let i = 0;
  while (i < n && output.length < MAX_ARRAY_LENGTH) {
    const v = __ld(store, i);
    if (__same(v, __hole())) {
      let holes = 0;
      while (i < n && __same(__ld(store, i), __hole())) {
        holes++;
        i++;
      }
      output.push(concat(concat('<', logNumber(holes)), holes > 1 ? ' empty items>' : ' empty item>'));
      numbers.push(false);
    } else {
      output.push(formatValue(v, level + 1, indent + 2));
      numbers.push(__tag(v) === 0);
      i++;
    }
  }
  if (i < n) {
    const left = n - i;
    output.push(concat(concat('... ', logNumber(left)), left > 1 ? ' more items' : ' more item'));
  }
  return reduceToSingleString(output, '[', ']', numbers, level, indent);
}

function formatObject(o: unknown, level: number, indent: number): string {
  const n = count(o);
  const c = __ld(o, 0);
  const open = __tag(c) === 9 ? concat(className(c), ' {') : '{';
  if (n === 0) return concat(open, '}');
  __scratch_set(CURRENT_DEPTH, level);
  const output: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = __as_string(keyAt(o, i));
    const name = isIdentifier(key) ? key : quote(key);
    output.push(concat(concat(name, ': '), formatValue(valueAt(o, i), level + 1, indent + 2)));
  }
  return reduceToSingleString(output, open, '}', [], level, indent);
}

/**
 * An error as Node shows it: its stack (indented with the entry it is in), then its other own
 * properties in braces. Node drops `name`, `message` and `stack` when the stack shows their text
 * (they are not enumerable, except a `name` field a subclass declares).
 */
function formatError(e: unknown, level: number, indent: number): string {
  const stack = getProperty(e, 'stack');
  let base =
    __tag(stack) === 4 ? improveStack(e, __as_string(stack)) : concat(concat('[', errorString(e)), ']');
  if (indent > 0) base = replace(base, '\n', concat('\n', spaces(indent)), true);
  const output: string[] = [];
  const n = count(e);
  for (let i = 0; i < n; i++) {
    const key = __as_string(keyAt(e, i));
    const value = valueAt(e, i);
    if (equals(key, 'stack') || equals(key, 'message')) continue;
    if (equals(key, 'name') && __tag(value) === 4 && includes(base, __as_string(value), 0)) continue;
    if (output.length === 0) __scratch_set(CURRENT_DEPTH, level);
    const name = isIdentifier(key) ? key : quote(key);
    output.push(concat(concat(name, ': '), formatValue(value, level + 1, indent + 2)));
  }
  if (output.length === 0) return base;
  if (!contains(base, 10)) return reduceToSingleString(output, concat(base, ' {'), '}', [], level, indent);
  // Node never puts the braces on one line after a multi-line stack.
  const nl = concat('\n', spaces(indent));
  return concat(
    concat(concat(concat(base, ' {'), nl), '  '),
    concat(joinWith(output, concat(concat(',', nl), '  ')), concat(nl, '}')),
  );
}

/**
 * Node names the class when it is not the error's name: `class Coded extends Error` prints
 * `Coded [Error]: …`, and `class BadInput extends Error` (whose name stays 'Error') `BadInput: …`
 * since the class name contains it. Only for names ending in "Error" that start the stack.
 */
function improveStack(e: unknown, stack: string): string {
  const nameValue = getProperty(e, 'name');
  const c = __ld(e, 0);
  if (__tag(nameValue) !== 4 || __tag(c) !== 9) return stack;
  const name = __as_string(nameValue);
  const ctor = className(c);
  const n = __str_len(name);
  if (equals(ctor, name) || !endsWith(name, 'Error', undefined) || !startsWith(stack, name, 0)) return stack;
  if (n < __str_len(stack) && __str_byte(stack, n) !== 58 && __str_byte(stack, n) !== 10) return stack;
  const rest = sub(stack, n, __str_len(stack));
  if (includes(ctor, name, 0)) return concat(ctor, rest);
  return concat(concat(concat(concat(ctor, ' ['), name), ']'), rest);
}

/** `Map(2) { 'a' => 1, 'b' => 2 }` / `Set(1) { 1 }`, laid out like an object's entries. */
function formatCollection(m: unknown, isMap: boolean, level: number, indent: number): string {
  const n = size(m);
  const open = concat(concat(isMap ? 'Map(' : 'Set(', logNumber(n)), ') {');
  if (n === 0) return concat(open, '}');
  __scratch_set(CURRENT_DEPTH, level);
  const keys = snapshot(m, 0);
  const values = snapshot(m, 1);
  const output: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = formatValue(get(keys, i), level + 1, indent + 2);
    output.push(isMap ? concat(concat(k, ' => '), formatValue(get(values, i), level + 1, indent + 2)) : k);
  }
  return reduceToSingleString(output, open, '}', [], level, indent);
}

/**
 * `numbers[i]` says whether array entry i is a number (empty for objects); an array's output has one
 * entry more than `numbers` when it ends with "... n more items".
 */
function reduceToSingleString(
  output: string[],
  open: string,
  close: string,
  numbers: boolean[],
  level: number,
  indent: number,
): string {
  const entries = output.length;
  let lines = output;
  if (numbers.length > 0 && entries > 6) lines = groupArrayElements(output, numbers, indent);
  if (__scratch_get(CURRENT_DEPTH) - level < 3 && entries === lines.length) {
    const start = lines.length + indent + __str_len(open) + 10;
    if (isBelowBreakLength(lines, start)) {
      const joined = joinWith(lines, ', ');
      if (!contains(joined, 10)) return concat(concat(concat(concat(open, ' '), joined), ' '), close);
    }
  }
  const nl = concat('\n', spaces(indent));
  return concat(
    concat(concat(concat(open, nl), '  '), joinWith(lines, concat(concat(',', nl), '  '))),
    concat(nl, close),
  );
}

function joinWith(parts: string[], sep: string): string {
  let s = '';
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) s = concat(s, sep);
    s = concat(s, parts[i]);
  }
  return s;
}

function isBelowBreakLength(output: string[], start: number): boolean {
  let total = output.length + start;
  if (total + output.length > BREAK_LENGTH) return false;
  for (let i = 0; i < output.length; i++) {
    total += __str_len(output[i]);
    if (total > BREAK_LENGTH) return false;
  }
  return true;
}

function padStart(s: string, width: number): string {
  return concat(spaces(width - __str_len(s)), s);
}

function padEnd(s: string, width: number): string {
  return concat(s, spaces(width - __str_len(s)));
}

/**
 * The columns an entry takes on a terminal, as Node's getStringWidth (ICU's East Asian width)
 * counts them: 1 for Latin-1, Greek, Cyrillic, general punctuation, currency signs and U+FFFD, 2
 * for kana, CJK ideographs, Hangul and the emoticon and transport emoji. Other characters
 * (combining marks, most emoji, ...) are refused at run time rather than aligned differently.
 */
function displayWidth(s: string): number {
  const n = __str_len(s);
  let width = 0;
  for (let i = 0; i < n; i++) {
    const c = __str_byte(s, i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const point = 0x10000 + (c - 0xd800) * 1024 + (__str_byte(s, i + 1) - 0xdc00);
      if ((point >= 0x1f600 && point <= 0x1f64f) || (point >= 0x1f680 && point <= 0x1f6c5)) {
        width += 2;
        i++;
        continue;
      }
    }
    if (
      c < 0x100 ||
      (c >= 0x386 && c <= 0x3ce) ||
      (c >= 0x400 && c <= 0x45f) ||
      (c >= 0x2010 && c <= 0x2027) ||
      (c >= 0x20a0 && c <= 0x20c0) ||
      c === 0xfffd
    )
      width++;
    else if (
      (c >= 0x3041 && c <= 0x3096) ||
      (c >= 0x30a1 && c <= 0x30fa) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xac00 && c <= 0xd7a3)
    )
      width += 2;
    else refuse(concat('console.log aligning array items in columns with ', sub(s, i, i + 1)));
  }
  return width;
}

/**
 * Node's groupArrayElements: arrays of many short entries print in aligned columns, by display
 * width (dataLen) while padding counts units, as Node's padStart/padEnd do.
 */
function groupArrayElements(output: string[], numbers: boolean[], indent: number): string[] {
  const more = numbers.length < output.length;
  let totalLength = 0;
  let maxLength = 0;
  const outputLength = more ? output.length - 1 : output.length;
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = displayWidth(output[i]);
    dataLen.push(len);
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + indent < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - indent) / actualMax),
      12,
      15,
    );
    if (columns <= 1) return output;
    const grouped: string[] = [];
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < outputLength; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    let alignRight = true;
    for (let i = 0; i < numbers.length; i++) if (!numbers[i]) alignRight = false;
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = concat(output[j], ', ');
        const padding = maxLineLength[j - i] + __str_len(output[j]) - dataLen[j];
        str = concat(str, alignRight ? padStart(cell, padding) : padEnd(cell, padding));
      }
      const padding = maxLineLength[j - i] + __str_len(output[j]) - dataLen[j] - separatorSpace;
      if (alignRight) str = concat(str, padStart(output[j], padding));
      else str = concat(str, output[j]);
      grouped.push(str);
    }
    if (more) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}

/** Math.round for the positive arguments used here. */
function round(x: number): number {
  return Math.floor(x + 0.5);
}
