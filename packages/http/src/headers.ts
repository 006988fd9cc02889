/**
 * `Headers` as the Fetch standard defines it (https://fetch.spec.whatwg.org/#headers-class), the type
 * Bun, Deno, Workers and Node's fetch share: names compare case-insensitively, a name may repeat, `get`
 * joins the values of a name with ", ", and `entries()` yields the names lower-cased and sorted with
 * their values combined, except `set-cookie`, whose values stay apart. Values are normalized (leading
 * and trailing whitespace removed) and a name or value that cannot go on the wire is a TypeError.
 * The iteration methods return arrays (`[...h.entries()]` and `for…of` over them work as with the
 * standard's iterators).
 */
import { isToken, lowerAscii } from './bytes.js';

/** What a Headers can be made from: another Headers, [name, value] pairs, or a record. */
export type HeadersInit = Headers | [string, string][] | Record<string, string>;

export class Headers {
  /** In insertion order; names lower-cased (the standard's header list keeps order too). */
  private fieldNames: string[] = [];
  private fieldValues: string[] = [];

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    if (init instanceof Headers) {
      for (let i = 0; i < init.fieldNames.length; i++) this.append(init.fieldNames[i], init.fieldValues[i]);
    } else if (Array.isArray(init)) {
      for (const pair of init) {
        if (pair.length !== 2)
          throw new TypeError('Headers constructor: expected name/value pair to be length 2');
        this.append(pair[0], pair[1]);
      }
    } else {
      for (const name of Object.keys(init)) this.append(name, init[name]);
    }
  }

  append(name: string, value: string): void {
    const key = checkedName(name);
    this.fieldNames.push(key);
    this.fieldValues.push(normalizedValue(value, name));
  }

  set(name: string, value: string): void {
    const key = checkedName(name);
    const v = normalizedValue(value, name);
    let at = -1;
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.fieldNames.length; i++) {
      if (this.fieldNames[i] === key) {
        if (at >= 0) continue;
        at = names.length;
        names.push(key);
        values.push(v);
      } else {
        names.push(this.fieldNames[i]);
        values.push(this.fieldValues[i]);
      }
    }
    if (at < 0) {
      names.push(key);
      values.push(v);
    }
    this.fieldNames = names;
    this.fieldValues = values;
  }

  delete(name: string): void {
    const key = checkedName(name);
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.fieldNames.length; i++) {
      if (this.fieldNames[i] === key) continue;
      names.push(this.fieldNames[i]);
      values.push(this.fieldValues[i]);
    }
    this.fieldNames = names;
    this.fieldValues = values;
  }

  /** The values of `name` joined with ", ", or null when there is none. */
  get(name: string): string | null {
    const key = checkedName(name);
    let out: string | null = null;
    for (let i = 0; i < this.fieldNames.length; i++)
      if (this.fieldNames[i] === key)
        out = out === null ? this.fieldValues[i] : `${out}, ${this.fieldValues[i]}`;
    return out;
  }

  /** Each `Set-Cookie` value on its own (they cannot be joined). */
  getSetCookie(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.fieldNames.length; i++)
      if (this.fieldNames[i] === 'set-cookie') out.push(this.fieldValues[i]);
    return out;
  }

  has(name: string): boolean {
    const key = checkedName(name);
    for (const n of this.fieldNames) if (n === key) return true;
    return false;
  }

  /** [name, value] pairs as the standard iterates them: sorted by name, values combined but set-cookie's. */
  entries(): [string, string][] {
    const sorted: string[] = [];
    for (const n of this.fieldNames) if (sorted.indexOf(n) < 0) sorted.push(n);
    sorted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: [string, string][] = [];
    for (const n of sorted) {
      if (n === 'set-cookie') {
        for (const v of this.getSetCookie()) out.push([n, v]);
      } else {
        const v = this.get(n);
        out.push([n, v === null ? '' : v]);
      }
    }
    return out;
  }

  keys(): string[] {
    return this.entries().map((e) => e[0]);
  }

  values(): string[] {
    return this.entries().map((e) => e[1]);
  }

  forEach(callback: (value: string, name: string, headers: Headers) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  /** The fields as they go on the wire, in insertion order (names lower-cased, as HTTP/2 has them too). */
  fields(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.fieldNames.length; i++) out.push([this.fieldNames[i], this.fieldValues[i]]);
    return out;
  }
}

function checkedName(name: string): string {
  if (!isToken(name)) throw new TypeError(`Headers: invalid header name: "${name}"`);
  return lowerAscii(name);
}

/** The value without leading and trailing HTTP whitespace (HTAB, LF, CR, SP); NUL, CR and LF inside are refused. */
function normalizedValue(value: string, name: string): string {
  let a = 0;
  let b = value.length;
  while (a < b && isHttpWhitespace(value.charCodeAt(a))) a++;
  while (b > a && isHttpWhitespace(value.charCodeAt(b - 1))) b--;
  const v = a === 0 && b === value.length ? value : value.substring(a, b);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0 || c === 10 || c === 13 || c > 0xff)
      throw new TypeError(`Headers: invalid header value for "${name}"`);
  }
  return v;
}

function isHttpWhitespace(c: number): boolean {
  return c === 9 || c === 10 || c === 13 || c === 32;
}
