/**
 * Runtime (TypeScript subset): the wire form of values that cross threads and CPUs — the SDK's channel
 * messages and spawnOn arguments and results — under the SDK's copying rules (packages/sdk/src/node/
 * clone.ts is the Node backend's): numbers, strings, booleans, null and undefined as they are; arrays
 * (holes become undefined), plain objects and class instances (their own fields, as plain objects;
 * an error's message and stack are not copied, as they are not enumerable in JavaScript), Map and
 * Set, typed arrays (a new buffer holding a copy of the bytes the view sees), and channels (the
 * copy is the same channel); shared and cyclic references stay shared in the
 * copy. A function cannot be copied: TypeError naming where it was.
 *
 * The wire form is a string (so it can travel as one block of bytes between CPUs, ./sdk.ts):
 *   u n t f           undefined, null, true, false
 *   d<number>;        a number (numberToString, and "-0")
 *   s<length>:<units> a string
 *   a<length>:…       an array and its elements     o<count>:…  an object: key (as s without the s), value
 *   m<size>:…         a Map: key, value, …           S<size>:…   a Set: its values
 *   c<home>;<id>;<capacity>;  a channel             r<index>;   the index-th array/object/Map/Set seen
 *   B<kind>;<bytes>:<units>   a typed array of element kind <kind> (./typed.ts), a unit a byte
 */
import { arrayNew, get as elementAt, length, push, set as setElement } from './array.js';
import { collectionNew, mapSet, setAdd, snapshot } from './collections.js';
import { isError } from './console.js';
import { typeError } from './errors.js';
import { numberToString } from './number.js';
import { stringToNumber } from './numconv.js';
import { count, get, keyAt, objectNew, set, valueAt } from './object.js';
import { concat, joinStrings } from './string.js';
import { sub } from './strmethods.js';
import { isTypedArray, typedFromUnits, typedKind, typedUnits } from './typed.js';

declare function __tag(v: unknown): number;
declare function __same(a: unknown, b: unknown): boolean;
declare function __as_number(v: unknown): number;
declare function __as_string(v: unknown): string;
declare function __as_boolean(v: unknown): boolean;
declare function __str_len(s: string): number;
declare function __str_byte(s: string, i: number): number;

/** The wire form of `value`; `path` names it in errors ("value", "argument 2"...). */
export function toWire(value: unknown, path: string): string {
  const parts: string[] = [];
  const seen = arrayNew(0);
  write(value, path, parts, seen);
  return joinStrings(parts);
}

function seenIndex(seen: unknown, v: unknown): number {
  const n = length(seen);
  for (let i = 0; i < n; i++) if (__same(elementAt(seen, i), v)) return i;
  return -1;
}

function writeString(s: string, parts: string[]): void {
  parts.push(numberToString(__str_len(s)));
  parts.push(':');
  parts.push(s);
}

function write(v: unknown, at: string, parts: string[], seen: unknown): void {
  const tag = __tag(v);
  if (tag === 0) {
    const x = __as_number(v);
    parts.push(x === 0 && 1 / x < 0 ? 'd-0;' : concat(concat('d', numberToString(x)), ';'));
    return;
  }
  if (tag === 1) {
    parts.push('u');
    return;
  }
  if (tag === 2) {
    parts.push('n');
    return;
  }
  if (tag === 3) {
    parts.push(__as_boolean(v) ? 't' : 'f');
    return;
  }
  if (tag === 4) {
    parts.push('s');
    writeString(__as_string(v), parts);
    return;
  }
  if (tag === 8 || tag === 9)
    typeError(concat(at, ' is a function, and functions cannot be copied to another CPU'));
  const again = seenIndex(seen, v);
  if (again >= 0) {
    parts.push(concat(concat('r', numberToString(again)), ';'));
    return;
  }
  if (tag === 5) {
    push(seen, v);
    const n = length(v);
    parts.push(concat(concat('a', numberToString(n)), ':'));
    for (let i = 0; i < n; i++)
      write(elementAt(v, i), concat(concat(concat(at, '['), numberToString(i)), ']'), parts, seen);
    return;
  }
  if (tag === 10 || tag === 11) {
    push(seen, v);
    const isSet = tag === 11;
    const entries = snapshot(v, 2);
    const n = length(entries);
    parts.push(concat(concat(isSet ? 'S' : 'm', numberToString(n)), ':'));
    for (let i = 0; i < n; i++) {
      const pair = elementAt(entries, i);
      if (isSet) write(elementAt(pair, 0), concat(at, ' element'), parts, seen);
      else {
        write(elementAt(pair, 0), concat(at, ' key'), parts, seen);
        write(
          elementAt(pair, 1),
          concat(concat(concat(at, '.get('), toKeyText(elementAt(pair, 0))), ')'),
          parts,
          seen,
        );
      }
    }
    return;
  }
  if (isTypedArray(v)) {
    push(seen, v);
    const units = typedUnits(v);
    parts.push(concat(concat('B', numberToString(typedKind(v))), ';'));
    writeString(units, parts);
    return;
  }
  if (tag === 7) {
    const channel = get(v, '__channel');
    if (__tag(channel) === 0) {
      parts.push('c');
      parts.push(concat(numberToString(__as_number(get(v, 'home'))), ';'));
      parts.push(concat(numberToString(__as_number(channel)), ';'));
      parts.push(concat(numberToString(__as_number(get(v, 'capacity'))), ';'));
      return;
    }
    push(seen, v);
    const error = isError(v);
    const n = count(v);
    let fields = 0;
    for (let i = 0; i < n; i++) if (copied(v, i, error)) fields++;
    parts.push(concat(concat('o', numberToString(fields)), ':'));
    for (let i = 0; i < n; i++) {
      if (!copied(v, i, error)) continue;
      const key = __as_string(keyAt(v, i));
      writeString(key, parts);
      write(valueAt(v, i), concat(concat(at, '.'), key), parts, seen);
    }
    return;
  }
  typeError(concat(at, ' cannot be copied to another CPU'));
}

/** Whether own property i of `o` is copied (an error's message and stack are not). */
function copied(o: unknown, i: number, error: boolean): boolean {
  if (!error) return true;
  const key = __as_string(keyAt(o, i));
  return !(key === 'message' || key === 'stack');
}

function toKeyText(k: unknown): string {
  if (__tag(k) === 4) return __as_string(k);
  if (__tag(k) === 0) return numberToString(__as_number(k));
  return 'key';
}

/** A fresh copy, in this thread's heap, of what `toWire` wrote; `channel` revives a channel. */
export function fromWire(wire: string): unknown {
  const cursor = arrayNew(0);
  push(cursor, 0);
  const seen = arrayNew(0);
  return read(wire, cursor, seen);
}

function at(cursor: unknown): number {
  return __as_number(elementAt(cursor, 0));
}

function advance(cursor: unknown, to: number): void {
  setElement(cursor, 0, to);
}

/** The digits up to `end` (';' or ':') from the cursor, as a number; moves past the terminator. */
function readNumber(wire: string, cursor: unknown, end: number): number {
  const from = at(cursor);
  let i = from;
  while (__str_byte(wire, i) !== end) i++;
  advance(cursor, i + 1);
  return stringToNumber(sub(wire, from, i));
}

function readString(wire: string, cursor: unknown): string {
  const n = readNumber(wire, cursor, 58);
  const from = at(cursor);
  advance(cursor, from + n);
  return sub(wire, from, from + n);
}

function read(wire: string, cursor: unknown, seen: unknown): unknown {
  const i = at(cursor);
  const c = __str_byte(wire, i);
  advance(cursor, i + 1);
  if (c === 117) return undefined; // u
  if (c === 110) return null; // n
  if (c === 116) return true; // t
  if (c === 102) return false; // f
  if (c === 100) {
    // d
    const from = at(cursor);
    if (
      __str_byte(wire, from) === 45 &&
      __str_byte(wire, from + 1) === 48 &&
      __str_byte(wire, from + 2) === 59
    ) {
      advance(cursor, from + 3);
      return -0;
    }
    return readNumber(wire, cursor, 59);
  }
  if (c === 115) return readString(wire, cursor); // s
  if (c === 114) return elementAt(seen, readNumber(wire, cursor, 59)); // r
  if (c === 97) {
    // a
    const n = readNumber(wire, cursor, 58);
    const out = arrayNew(0);
    push(seen, out);
    for (let k = 0; k < n; k++) push(out, read(wire, cursor, seen));
    return out;
  }
  if (c === 111) {
    // o
    const n = readNumber(wire, cursor, 58);
    const out = objectNew(0);
    push(seen, out);
    for (let k = 0; k < n; k++) {
      const key = readString(wire, cursor);
      set(out, key, read(wire, cursor, seen));
    }
    return out;
  }
  if (c === 109 || c === 83) {
    // m, S
    const n = readNumber(wire, cursor, 58);
    const out = collectionNew(c === 83 ? 8 : 7, undefined);
    push(seen, out);
    for (let k = 0; k < n; k++) {
      const key = read(wire, cursor, seen);
      if (c === 83) setAdd(out, key);
      else mapSet(out, key, read(wire, cursor, seen));
    }
    return out;
  }
  if (c === 66) {
    // B
    const kind = readNumber(wire, cursor, 59);
    const n = readNumber(wire, cursor, 58);
    const from = at(cursor);
    advance(cursor, from + n);
    const out = typedFromUnits(kind, wire, from, n);
    push(seen, out);
    return out;
  }
  if (c === 99) {
    // c
    const home = readNumber(wire, cursor, 59);
    const id = readNumber(wire, cursor, 59);
    const capacity = readNumber(wire, cursor, 59);
    return channelObject(home, id, capacity);
  }
  return typeError('wire: a value was damaged on its way');
}

/** The object a thread holds for a channel: its capacity and home, and (hidden in plain sight) its id. */
export function channelObject(home: number, id: number, capacity: number): unknown {
  const ch = objectNew(0);
  set(ch, 'capacity', capacity);
  set(ch, 'home', home);
  set(ch, '__channel', id);
  return ch;
}
