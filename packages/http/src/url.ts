/**
 * `URL` as the URL standard parses and serializes it (§4.4 basic URL parser, without state override):
 * special schemes (http, https, ws, wss, ftp, file) with their authority, default ports, IPv4 in every
 * form the standard takes (decimal, octal, hex, fewer than four parts) and IPv6 (compressed on output),
 * dot segments, backslashes as slashes, and the percent-encode sets of each component; other schemes
 * with an opaque path (`mailto:x`) or a hierarchical one; relative references against a base. The
 * components are read-only apart from `searchParams`, which is linked: changing it rewrites the query.
 *
 * Not here: hosts that are not ASCII (IDNA to Punycode: such a URL is refused as invalid), Windows
 * drive letters in file URLs, and the component setters.
 */
import { decodeUtf8Lossy, percentEncode } from './percent.js';
import { URLSearchParams } from './search-params.js';

const SPECIAL_PORTS: { [scheme: string]: number } = {
  ftp: 21,
  file: -1,
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
};
const isSpecial = (scheme: string): boolean => SPECIAL_PORTS[scheme] !== undefined;

// The percent-encode sets (§1.3): a byte is kept when it is not in the set.
const c0 = (c: number): boolean => c < 0x20 || c > 0x7e;
const inFragment = (c: number): boolean =>
  c0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const inQuery = (c: number): boolean =>
  c0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
const inSpecialQuery = (c: number): boolean => inQuery(c) || c === 0x27;
// The path set without '^', as Node 20 (ada) has it: the standard added '^' later.
const inPath = (c: number): boolean => inQuery(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
const inUserinfo = (c: number): boolean =>
  inPath(c) ||
  c === 0x2f ||
  c === 0x3a ||
  c === 0x3b ||
  c === 0x3d ||
  c === 0x40 ||
  (c >= 0x5b && c <= 0x5d) ||
  c === 0x7c;

const encode = (s: string, inSet: (c: number) => boolean): string => percentEncode(s, (c) => !inSet(c));

const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isDigit(s[i])) return false;
  return true;
}

function invalid(): never {
  throw new TypeError('Invalid URL');
}

/** What a parse gives: the URL record's parts (§4.1). */
interface Record {
  scheme: string;
  username: string;
  password: string;
  /** null: no host (`mailto:x`); '' an empty one (`file:///x`). */
  host: string | null;
  port: number | null;
  /** The path's segments, or the opaque path as the one string in `opaque`. */
  path: string[];
  opaque: string | null;
  query: string | null;
  fragment: string | null;
}

/** Trims C0 controls and spaces from both ends and drops every tab and newline (§4.4 steps 1–3). */
function preprocess(input: string): string {
  let start = 0;
  let end = input.length;
  while (start < end && input.charCodeAt(start) <= 0x20) start++;
  while (end > start && input.charCodeAt(end - 1) <= 0x20) end--;
  let out = '';
  for (let i = start; i < end; i++) {
    const c = input.charCodeAt(i);
    if (c !== 0x09 && c !== 0x0a && c !== 0x0d) out += input[i];
  }
  return out;
}

/** The scheme at the start of `s` (lower-cased) and where its ':' is, or null when there is none. */
function schemeOf(s: string): { scheme: string; colon: number } | null {
  if (s.length === 0 || !isAlpha(s[0])) return null;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === ':') return { scheme: s.slice(0, i).toLowerCase(), colon: i };
    if (!(isAlpha(c) || isDigit(c) || c === '+' || c === '-' || c === '.')) return null;
  }
  return null;
}

/** A number of an IPv4 part: decimal, 0x hex or 0-led octal; -1 when it is not one. */
function ipv4Number(part: string): number {
  if (part === '') return -1;
  let radix = 10;
  let digits = part;
  if (part.length >= 2 && (part.startsWith('0x') || part.startsWith('0X'))) {
    radix = 16;
    digits = part.slice(2);
  } else if (part.length >= 2 && part[0] === '0') {
    radix = 8;
    digits = part.slice(1);
  }
  if (digits === '') return 0;
  let n = 0;
  for (const ch of digits) {
    const d = isDigit(ch) ? ch.charCodeAt(0) - 48 : radix === 16 ? hexDigit(ch) : -1;
    if (d < 0 || d >= radix) return -1;
    n = n * radix + d;
  }
  return n;
}

function hexDigit(ch: string): number {
  const c = ch.toLowerCase();
  return c >= 'a' && c <= 'f' ? c.charCodeAt(0) - 87 : isDigit(c) ? c.charCodeAt(0) - 48 : -1;
}

/** Whether a domain's last label is a number, so that the host must be IPv4 (§3.5 ends in a number). */
function endsInNumber(domain: string): boolean {
  const parts = domain.split('.');
  if (parts[parts.length - 1] === '') {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  if (last !== '' && allDigits(last)) return true;
  return ipv4Number(last) >= 0 && (last.startsWith('0x') || last.startsWith('0X'));
}

/** The IPv4 parser (§3.5): the address dotted, or a failure. */
function parseIpv4(domain: string): string {
  const parts = domain.split('.');
  if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
  if (parts.length > 4) invalid();
  const numbers = parts.map(ipv4Number);
  if (numbers.some((n) => n < 0)) invalid();
  for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) invalid();
  const last = numbers[numbers.length - 1];
  if (last >= 256 ** (5 - numbers.length)) invalid();
  let address = last;
  for (let i = 0; i < numbers.length - 1; i++) address += numbers[i] * 256 ** (3 - i);
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    out.unshift(address % 256);
    address = Math.floor(address / 256);
  }
  return out.join('.');
}

/** The IPv6 parser (§3.5) on what is inside the brackets: eight 16-bit pieces. */
function parseIpv6(s: string): number[] {
  const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
  let piece = 0;
  let compress = -1;
  let i = 0;
  if (s[0] === ':') {
    if (s[1] !== ':') invalid();
    i = 2;
    piece = 1;
    compress = 1;
  }
  while (i < s.length) {
    if (piece === 8) invalid();
    if (s[i] === ':') {
      if (compress !== -1) invalid();
      i++;
      piece++;
      compress = piece;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && i < s.length && hexDigit(s[i]) >= 0) {
      value = value * 16 + hexDigit(s[i]);
      i++;
      length++;
    }
    if (s[i] === '.') {
      // An IPv4 address in the last 32 bits.
      if (length === 0 || piece > 6) invalid();
      i -= length;
      let seen = 0;
      while (i < s.length) {
        if (seen > 0) {
          if (s[i] === '.' && seen < 4) i++;
          else invalid();
        }
        if (!isDigit(s[i] ?? '')) invalid();
        let part = -1;
        while (i < s.length && isDigit(s[i])) {
          const d = s.charCodeAt(i) - 48;
          if (part === 0) invalid();
          part = part < 0 ? d : part * 10 + d;
          if (part > 255) invalid();
          i++;
        }
        pieces[piece] = pieces[piece] * 256 + part;
        seen++;
        if (seen === 2 || seen === 4) piece++;
      }
      if (seen !== 4) invalid();
      break;
    }
    if (s[i] === ':') {
      i++;
      if (i >= s.length) invalid();
    } else if (i < s.length) invalid();
    pieces[piece] = value;
    piece++;
  }
  if (compress !== -1) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const t = pieces[piece];
      pieces[piece] = pieces[compress + swaps - 1];
      pieces[compress + swaps - 1] = t;
      piece--;
      swaps--;
    }
  } else if (piece !== 8) invalid();
  return pieces;
}

/** An IPv6 address written as the standard serializes it: the first longest run of 0s (2+) as '::'. */
function ipv6String(pieces: number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (pieces[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && pieces[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += pieces[i].toString(16);
    if (i < 7) out += ':';
  }
  return `[${out}]`;
}

const FORBIDDEN_HOST = ' #/:<>?@[\\]^|';

/** The host parser (§3.5): a special URL's host is decoded, lower-cased and checked; others are opaque. */
function parseHost(input: string, special: boolean): string {
  if (input.startsWith('[')) {
    if (!input.endsWith(']')) invalid();
    return ipv6String(parseIpv6(input.slice(1, -1)));
  }
  if (!special) {
    for (const ch of input) if (FORBIDDEN_HOST.indexOf(ch) >= 0 || ch.charCodeAt(0) < 0x20) invalid();
    return encode(input, c0);
  }
  const domain = decodeUtf8Lossy(input);
  let ascii = '';
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    // Not ASCII: IDNA's domain to ASCII (Punycode) is not done here, so the URL is refused.
    if (c >= 0x80) invalid();
    if (c <= 0x20 || c === 0x7f || c === 0x25 || FORBIDDEN_HOST.indexOf(domain[i]) >= 0) invalid();
    ascii += c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : domain[i];
  }
  if (ascii === '') invalid();
  return endsInNumber(ascii) ? parseIpv4(ascii) : ascii;
}

const isSingleDot = (s: string): boolean => s === '.' || s.toLowerCase() === '%2e';
const isDoubleDot = (s: string): boolean => {
  const l = s.toLowerCase();
  return l === '..' || l === '.%2e' || l === '%2e.' || l === '%2e%2e';
};

/** Adds the segments of `input` (a path, without its query) to `path`, dot segments resolved (§4.4 path state). */
function addPath(path: string[], input: string, special: boolean): void {
  const segments: string[] = [];
  let start = 0;
  for (let i = 0; i <= input.length; i++) {
    if (i === input.length || input[i] === '/' || (special && input[i] === '\\')) {
      segments.push(input.slice(start, i));
      start = i + 1;
    }
  }
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    const last = k === segments.length - 1;
    if (isDoubleDot(seg)) {
      if (path.length > 0) path.pop();
      if (last) path.push('');
    } else if (isSingleDot(seg)) {
      if (last) path.push('');
    } else path.push(encode(seg, inPath));
  }
}

/** The index of the first of `chars` in `s` from `from`, or s.length. */
function firstOf(s: string, chars: string, from: number): number {
  for (let i = from; i < s.length; i++) if (chars.indexOf(s[i]) >= 0) return i;
  return s.length;
}

/** The authority (userinfo, host, port) of `r` from `s` (§4.4 authority, host and port states). */
function parseAuthority(r: Record, s: string): void {
  const special = isSpecial(r.scheme);
  let hostPort = s;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    const info = s.slice(0, at);
    const colon = info.indexOf(':');
    r.username = encode(colon < 0 ? info : info.slice(0, colon), inUserinfo);
    r.password = colon < 0 ? '' : encode(info.slice(colon + 1), inUserinfo);
    hostPort = s.slice(at + 1);
    if (hostPort === '') invalid();
  }
  let colon = -1;
  let inBrackets = false;
  for (let i = 0; i < hostPort.length; i++) {
    const c = hostPort[i];
    if (c === '[') inBrackets = true;
    else if (c === ']') inBrackets = false;
    else if (c === ':' && !inBrackets) {
      colon = i;
      break;
    }
  }
  const hostText = colon < 0 ? hostPort : hostPort.slice(0, colon);
  if (hostText === '') {
    if (special && r.scheme !== 'file') invalid();
    if (colon >= 0 || at >= 0) invalid();
    r.host = '';
  } else r.host = parseHost(hostText, special);
  if (r.scheme === 'file' && r.host === 'localhost') r.host = '';
  if (colon >= 0) {
    const digits = hostPort.slice(colon + 1);
    if (digits !== '') {
      if (!allDigits(digits)) invalid();
      const port = Number(digits);
      if (port > 65535 || r.scheme === 'file') invalid();
      r.port = SPECIAL_PORTS[r.scheme] === port ? null : port;
    }
  }
}

/** Splits `s` at its first '#' and the '?' before it: [path, query or null, fragment or null]. */
function splitRest(s: string): [string, string | null, string | null] {
  let rest = s;
  let fragment: string | null = null;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = encode(rest.slice(hash + 1), inFragment);
    rest = rest.slice(0, hash);
  }
  let query: string | null = null;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  return [rest, query, fragment];
}

function encodeQuery(r: Record, query: string | null): string | null {
  return query === null ? null : encode(query, isSpecial(r.scheme) ? inSpecialQuery : inQuery);
}

/** The rest of a URL after its scheme and, for one with an authority, the authority. */
function parseAfterAuthority(r: Record, s: string): void {
  const [path, query, fragment] = splitRest(s);
  const special = isSpecial(r.scheme);
  // The path state starts at the first '/' (already consumed by the caller when there was one).
  addPath(r.path, path.startsWith('/') || (special && path.startsWith('\\')) ? path.slice(1) : path, special);
  if (special && r.path.length === 0) r.path.push('');
  r.query = encodeQuery(r, query);
  r.fragment = fragment;
}

function emptyRecord(scheme: string): Record {
  return {
    scheme,
    username: '',
    password: '',
    host: null,
    port: null,
    path: [],
    opaque: null,
    query: null,
    fragment: null,
  };
}

const isSlash = (c: string | undefined, special: boolean): boolean => c === '/' || (special && c === '\\');

/** An absolute URL from `s` after "scheme:" (§4.4 from the scheme state on). */
function parseWithScheme(scheme: string, rest: string, base: Record | null): Record {
  const r = emptyRecord(scheme);
  const special = isSpecial(scheme);
  if (special && base !== null && base.scheme === scheme && !isSlash(rest[0], true) && scheme !== 'file')
    return parseRelative(rest, base);
  if (special || (rest.startsWith('//') && scheme !== 'file')) {
    let i = 0;
    while (isSlash(rest[i], special)) i++;
    if (!special) i = 2;
    if (scheme === 'file') {
      // file: the host is what follows two slashes (empty with three), the path the rest.
      i = rest.startsWith('//') || rest.startsWith('\\\\') ? 2 : 0;
      if (i === 0) {
        r.host = '';
        parseAfterAuthority(r, rest);
        return r;
      }
    }
    const end = firstOf(rest, special ? '/\\?#' : '/?#', i);
    parseAuthority(r, rest.slice(i, end));
    parseAfterAuthority(r, rest.slice(end));
    return r;
  }
  if (rest.startsWith('/')) {
    parseAfterAuthority(r, rest);
    return r;
  }
  // An opaque path (§4.4 opaque path state): C0 controls encoded, nothing else touched.
  const [path, query, fragment] = splitRest(rest);
  r.opaque = encode(path, c0);
  r.query = encodeQuery(r, query);
  r.fragment = fragment;
  return r;
}

/** A reference without a scheme, against `base` (§4.4 relative states). */
function parseRelative(s: string, base: Record): Record {
  const special = isSpecial(base.scheme);
  if (base.opaque !== null) {
    if (!s.startsWith('#')) invalid();
    return { ...base, path: [], fragment: encode(s.slice(1), inFragment) };
  }
  const r = emptyRecord(base.scheme);
  if (isSlash(s[0], special) && isSlash(s[1], special)) {
    const from = 2;
    const end = firstOf(s, special ? '/\\?#' : '/?#', from);
    parseAuthority(r, s.slice(from, end));
    parseAfterAuthority(r, s.slice(end));
    return r;
  }
  r.username = base.username;
  r.password = base.password;
  r.host = base.host;
  r.port = base.port;
  if (isSlash(s[0], special)) {
    parseAfterAuthority(r, s);
    return r;
  }
  const [path, query, fragment] = splitRest(s);
  r.path = base.path.slice();
  if (path === '') {
    r.query = query === null ? base.query : encodeQuery(r, query);
    r.fragment = fragment;
    return r;
  }
  if (r.path.length > 0) r.path.pop();
  addPath(r.path, path, special);
  r.query = encodeQuery(r, query);
  r.fragment = fragment;
  return r;
}

function parse(input: string, base: Record | null): Record {
  const s = preprocess(input);
  const scheme = schemeOf(s);
  if (scheme !== null) return parseWithScheme(scheme.scheme, s.slice(scheme.colon + 1), base);
  if (base === null) invalid();
  return parseRelative(s, base);
}

function pathString(r: Record): string {
  if (r.opaque !== null) return r.opaque;
  let out = '';
  for (const seg of r.path) out += `/${seg}`;
  return out;
}

export class URL {
  private readonly r: Record;
  private params: URLSearchParams | null = null;

  constructor(url: string, base?: string | URL) {
    const b = base === undefined ? null : base instanceof URL ? base.r : parse(`${base}`, null);
    this.r = parse(`${url}`, b);
  }

  /** Whether `new URL(url, base)` would succeed. */
  static canParse(url: string, base?: string): boolean {
    try {
      new URL(url, base);
      return true;
    } catch (_e) {
      return false;
    }
  }

  get href(): string {
    const r = this.r;
    let out = `${r.scheme}:`;
    if (r.host !== null) {
      out += '//';
      if (r.username !== '' || r.password !== '') {
        out += r.username;
        if (r.password !== '') out += `:${r.password}`;
        out += '@';
      }
      out += r.host;
      if (r.port !== null) out += `:${r.port}`;
    } else if (r.opaque === null && r.path.length > 1 && r.path[0] === '') out += '/.';
    out += pathString(r);
    if (r.query !== null) out += `?${r.query}`;
    if (r.fragment !== null) out += `#${r.fragment}`;
    return out;
  }

  get origin(): string {
    const r = this.r;
    if (!isSpecial(r.scheme) || r.scheme === 'file') return 'null';
    return `${r.scheme}://${this.host}`;
  }

  get protocol(): string {
    return `${this.r.scheme}:`;
  }

  get username(): string {
    return this.r.username;
  }

  get password(): string {
    return this.r.password;
  }

  get host(): string {
    const r = this.r;
    if (r.host === null) return '';
    return r.port === null ? r.host : `${r.host}:${r.port}`;
  }

  get hostname(): string {
    return this.r.host ?? '';
  }

  get port(): string {
    return this.r.port === null ? '' : `${this.r.port}`;
  }

  get pathname(): string {
    return pathString(this.r);
  }

  get search(): string {
    const q = this.r.query;
    return q === null || q === '' ? '' : `?${q}`;
  }

  get hash(): string {
    const f = this.r.fragment;
    return f === null || f === '' ? '' : `#${f}`;
  }

  /** The query's pairs, linked: a change to them rewrites this URL's query. */
  get searchParams(): URLSearchParams {
    if (this.params === null) {
      const params = new URLSearchParams(this.r.query ?? '');
      params.link((query) => {
        this.r.query = query === '' ? null : query;
      });
      this.params = params;
    }
    return this.params;
  }

  toString(): string {
    return this.href;
  }

  toJSON(): string {
    return this.href;
  }
}
