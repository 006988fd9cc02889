/**
 * `URLSearchParams` as the URL standard has it (§5.2): name–value pairs in order, parsed from and
 * written as `application/x-www-form-urlencoded` (`+` for a space, UTF-8 percent-escapes; a malformed
 * escape is kept as it is, bytes that are not UTF-8 decode to U+FFFD). A URL's `searchParams` are
 * linked to it: a change here rewrites the URL's query. As with Headers, the iteration methods return
 * arrays (`for (const [k, v] of params.entries())`).
 */
import { decodeUtf8Lossy, percentEncode } from './percent.js';

/** The form-urlencoded byte set: everything but ASCII alphanumerics and `*-._` (a space becomes `+`). */
const keepInForm = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x2a ||
  c === 0x2d ||
  c === 0x2e ||
  c === 0x5f;

function formEncode(s: string): string {
  return percentEncode(s, keepInForm, true);
}

function formDecode(s: string): string {
  return decodeUtf8Lossy(s.replaceAll('+', ' '));
}

export type URLSearchParamsInit = string | [string, string][] | { [name: string]: string } | URLSearchParams;

export class URLSearchParams {
  private list: [string, string][] = [];
  /** Told the new query (without '?', '' for none) after each change: the URL this belongs to. */
  private onChange: ((query: string) => void) | null = null;

  constructor(init?: URLSearchParamsInit) {
    if (init === undefined) return;
    if (typeof init === 'string') this.list = parseForm(init.startsWith('?') ? init.slice(1) : init);
    else if (init instanceof URLSearchParams) for (const [n, v] of init.list) this.list.push([n, v]);
    else if (Array.isArray(init)) {
      for (const pair of init) {
        if (pair.length !== 2) throw new TypeError("Failed to construct 'URLSearchParams': Invalid tuple");
        this.list.push([`${pair[0]}`, `${pair[1]}`]);
      }
    } else for (const name of Object.keys(init)) this.list.push([name, `${init[name]}`]);
  }

  /** Links these parameters to a URL (its constructor's call). */
  link(onChange: (query: string) => void): void {
    this.onChange = onChange;
  }

  get size(): number {
    return this.list.length;
  }

  append(name: string, value: string): void {
    this.list.push([name, value]);
    this.changed();
  }

  delete(name: string, value?: string): void {
    this.list = this.list.filter(([n, v]) => n !== name || (value !== undefined && v !== value));
    this.changed();
  }

  get(name: string): string | null {
    for (const [n, v] of this.list) if (n === name) return v;
    return null;
  }

  getAll(name: string): string[] {
    const out: string[] = [];
    for (const [n, v] of this.list) if (n === name) out.push(v);
    return out;
  }

  has(name: string, value?: string): boolean {
    for (const [n, v] of this.list) if (n === name && (value === undefined || v === value)) return true;
    return false;
  }

  /** Sets the first pair named `name` to `value` and removes the others (appends when there is none). */
  set(name: string, value: string): void {
    const out: [string, string][] = [];
    let found = false;
    for (const [n, v] of this.list) {
      if (n !== name) out.push([n, v]);
      else if (!found) {
        out.push([n, value]);
        found = true;
      }
    }
    if (!found) out.push([name, value]);
    this.list = out;
    this.changed();
  }

  /** Sorts the pairs by name (by UTF-16 code units, stable), as the standard says. */
  sort(): void {
    const indexed = this.list.map((p, i): [[string, string], number] => [p, i]);
    indexed.sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]));
    this.list = indexed.map((x) => x[0]);
    this.changed();
  }

  forEach(callback: (value: string, name: string, params: URLSearchParams) => void): void {
    for (const [n, v] of this.list) callback(v, n, this);
  }

  entries(): [string, string][] {
    return this.list.map(([n, v]): [string, string] => [n, v]);
  }

  keys(): string[] {
    return this.list.map(([n]) => n);
  }

  values(): string[] {
    return this.list.map(([, v]) => v);
  }

  toString(): string {
    return this.list.map(([n, v]) => `${formEncode(n)}=${formEncode(v)}`).join('&');
  }

  private changed(): void {
    if (this.onChange !== null) this.onChange(this.toString());
  }
}

/** The pairs of an application/x-www-form-urlencoded string (URL standard §5.1). */
export function parseForm(input: string): [string, string][] {
  const out: [string, string][] = [];
  for (const piece of input.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = eq < 0 ? piece : piece.slice(0, eq);
    const value = eq < 0 ? '' : piece.slice(eq + 1);
    out.push([formDecode(name), formDecode(value)]);
  }
  return out;
}
