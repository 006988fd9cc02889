/**
 * `serveStatic`: a Handler that serves a set of in-memory files as a static file server does (RFC 9110):
 * GET and HEAD, a folder's index file, a redirect from a folder named without its slash, Content-Type
 * by extension, a strong ETag per file with If-None-Match (304) and If-Match (412), and single byte
 * ranges (206, 416) with If-Range.
 *
 * Choices the RFC leaves to the server:
 * - A request naming no file goes to `fallback` whatever its method (so an API router can sit behind
 *   the files); a method other than GET or HEAD on a file (or a folder) gets 405 with `Allow: GET, HEAD`.
 * - HEAD is answered as GET (the server sends the head only, with GET's Content-Length) and ignores
 *   Range, since range handling is defined for GET only (§14.2): a HEAD with Range gets 200.
 * - A Range of several ranges gets the whole file with 200 (§14.2: a server may ignore Range), as does
 *   one the server cannot read (another unit, bad syntax, last-pos before first-pos: §14.2 says ignore).
 * - An empty file: a suffix range (`bytes=-5`) is satisfiable there (§14.1.2) but there is no byte-range
 *   to name in Content-Range, so the server takes §14.2's leave to ignore Range for a representation
 *   with no content and answers 200; any other range on it is unsatisfiable: 416.
 * - A path segment that decodes to `.`, `..` or holds `/`, `\` or NUL gets 404 (never the fallback); a
 *   malformed %-escape gets 400.
 */
import { listElements, lowerAscii, trimOws } from './bytes.js';
import { contentTypeFor, extensionOf, normalizedTypes } from './content-types.js';
import type { Request } from './message.js';
import { Response } from './message.js';
import { decodePercent } from './percent.js';
import type { Handler } from './server.js';
import { URL } from './url.js';

export interface StaticOptions {
  /** The file served for a path naming a folder (default "index.html"). */
  index?: string;
  /** The Cache-Control value of every file answer (default "no-cache": caches revalidate with the ETag). */
  cacheControl?: string;
  /** Content types by extension, added to or overriding the built-in table: { ".wasm": "application/wasm" }. */
  contentTypes?: Record<string, string>;
  /** Answers requests that name no file (default: 404, text/plain "not found"). */
  fallback?: Handler;
}

/** One file as it is served: its bytes and what is known of them up front. */
class StaticFile {
  constructor(
    readonly bytes: Uint8Array,
    readonly etag: string,
    readonly type: string,
  ) {}
}

/** The bytes first..last (inclusive) of a file a Range asks for. */
class Span {
  constructor(
    readonly first: number,
    readonly last: number,
  ) {}
}

/**
 * A Handler serving `files`, keyed by their path relative to the site's root ("index.html",
 * "css/site.css": "/" separators, no leading slash). The map is read once, now: each file's ETag and
 * Content-Type are computed here, and the bytes are not copied (do not change them afterwards).
 * Throws a TypeError for a key that no request path could name ("/a", "a//b", "../a", "a\b").
 */
export function serveStatic(files: ReadonlyMap<string, Uint8Array>, options?: StaticOptions): Handler {
  const site = new StaticSite(files, options ?? {});
  return async (request: Request): Promise<Response> => await site.answer(request);
}

class StaticSite {
  private readonly files = new Map<string, StaticFile>();
  private readonly index: string;
  private readonly cacheControl: string;
  private readonly fallback: Handler | null;

  constructor(files: ReadonlyMap<string, Uint8Array>, options: StaticOptions) {
    this.index = options.index ?? 'index.html';
    this.cacheControl = options.cacheControl ?? 'no-cache';
    this.fallback = options.fallback ?? null;
    const extra = options.contentTypes === undefined ? null : normalizedTypes(options.contentTypes);
    files.forEach((bytes, key) => {
      if (!servableKey(key))
        throw new TypeError(
          `serveStatic: '${key}' is not a path relative to the site's root (segments separated by /)`,
        );
      this.files.set(key, new StaticFile(bytes, entityTag(bytes), contentTypeFor(extensionOf(key), extra)));
    });
  }

  async answer(request: Request): Promise<Response> {
    const url = parsedUrl(request.url);
    if (url === null) return text(400, '400 Bad Request: the request target is not a URL\n');
    const target = keyOf(url.pathname);
    if (target === null) return text(400, '400 Bad Request: a malformed %-escape in the path\n');
    if (target === undefined) return notFound();
    const folder = target === '' || target.endsWith('/');
    const file = this.files.get(folder ? target + this.index : target);
    const get = request.method === 'GET' || request.method === 'HEAD';
    if (file !== undefined) return get ? this.fileAnswer(request, file) : notAllowed();
    if (!folder && this.index !== '' && this.files.has(`${target}/${this.index}`)) {
      if (!get) return notAllowed();
      return Response.redirect(`${url.pathname}/${url.search}`, 301);
    }
    const fallback = this.fallback;
    if (fallback === null) return notFound();
    return await fallback(request);
  }

  private fileAnswer(request: Request, file: StaticFile): Response {
    const headers = request.headers;
    const length = file.bytes.length;
    const ifMatch = headers.get('if-match');
    if (ifMatch !== null && !tagListMatches(ifMatch, file.etag, true))
      return new Response(null, { status: 412, headers: [['etag', file.etag]] });
    const ifNoneMatch = headers.get('if-none-match');
    if (ifNoneMatch !== null && tagListMatches(ifNoneMatch, file.etag, false))
      return new Response(null, {
        status: 304,
        headers: [
          ['etag', file.etag],
          ['cache-control', this.cacheControl],
        ],
      });
    const range = request.method === 'GET' ? headers.get('range') : null;
    const ifRange = headers.get('if-range');
    if (range !== null && (ifRange === null || ifRange === file.etag)) {
      const span = spanOf(range, length);
      if (span === undefined)
        return new Response(null, {
          status: 416,
          headers: [
            ['content-range', `bytes */${length}`],
            ['accept-ranges', 'bytes'],
          ],
        });
      if (span !== null) {
        const part = file.bytes.subarray(span.first, span.last + 1);
        return new Response(part, {
          status: 206,
          headers: [
            ['content-type', file.type],
            ['content-length', `${part.length}`],
            ['content-range', `bytes ${span.first}-${span.last}/${length}`],
            ['accept-ranges', 'bytes'],
            ['etag', file.etag],
            ['cache-control', this.cacheControl],
          ],
        });
      }
    }
    return new Response(file.bytes, {
      status: 200,
      headers: [
        ['content-type', file.type],
        ['content-length', `${length}`],
        ['accept-ranges', 'bytes'],
        ['etag', file.etag],
        ['cache-control', this.cacheControl],
      ],
    });
  }
}

/** The request's URL, or null when it does not parse. */
function parsedUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch (_e) {
    return null;
  }
}

/** Whether a segment, decoded, stays inside its folder: not `.` or `..`, no `/`, `\` or NUL. */
function safeSegment(s: string): boolean {
  return s !== '.' && s !== '..' && s.indexOf('/') < 0 && s.indexOf('\\') < 0 && s.indexOf('\u0000') < 0;
}

/** Whether `key` is a file's path a request can name: non-empty segments that are safe, no leading "/". */
function servableKey(key: string): boolean {
  const segments = key.split('/');
  for (const s of segments) if (s === '' || !safeSegment(s)) return false;
  return true;
}

/**
 * The key a URL path names ("/css/a%20b.css" → "css/a b.css"; "/docs/" → "docs/", "/" → ""): every
 * segment percent-decoded as UTF-8. Null for a malformed escape; undefined for a segment that would
 * leave its folder (`..`, an encoded `/`, `\` or NUL).
 */
function keyOf(pathname: string): string | null | undefined {
  if (!pathname.startsWith('/')) return undefined;
  const parts = pathname.slice(1).split('/');
  let key = '';
  for (let i = 0; i < parts.length; i++) {
    const segment = decodePercent(parts[i]);
    if (segment === undefined) return null;
    if (!safeSegment(segment)) return undefined;
    key = i === 0 ? segment : `${key}/${segment}`;
  }
  return key;
}

/** A strong entity tag of `bytes`: their 32-bit FNV-1a hash and their length, in hex ("811c9dc5-0"). */
function entityTag(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `"${(h >>> 0).toString(16).padStart(8, '0')}-${bytes.length.toString(16)}"`;
}

/**
 * Whether an If-None-Match or If-Match value (`*`, or a list of entity tags) names `etag`: by the weak
 * comparison (W/ ignored) or, with `strong`, the strong one (neither tag weak). The list is read up to
 * anything that is not an entity tag.
 */
function tagListMatches(value: string, etag: string, strong: boolean): boolean {
  if (trimOws(value) === '*') return true;
  const n = value.length;
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x2c) {
      i++;
      continue;
    }
    let weak = false;
    if (c === 0x57 && i + 1 < n && value.charCodeAt(i + 1) === 0x2f) {
      weak = true;
      i += 2;
    }
    if (i >= n || value.charCodeAt(i) !== 0x22) return false;
    const close = value.indexOf('"', i + 1);
    if (close < 0) return false;
    if (!(strong && weak) && value.slice(i, close + 1) === etag) return true;
    i = close + 1;
  }
  return false;
}

/** The value of a run of decimal digits, or -1 when `s` is empty or holds anything else. */
function digits(s: string): number {
  if (s.length === 0) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * What a Range value asks of a representation of `length` bytes (RFC 9110 §14.1.2): the one range to
 * send; undefined when it is unsatisfiable (416); null when Range is to be ignored and the whole sent
 * (a unit other than bytes, invalid syntax, several ranges, a suffix range of an empty file).
 */
function spanOf(value: string, length: number): Span | null | undefined {
  const eq = value.indexOf('=');
  if (eq < 0 || lowerAscii(value.slice(0, eq)) !== 'bytes') return null;
  const specs = listElements(value.slice(eq + 1));
  if (specs.length !== 1) return null;
  const spec = specs[0];
  const dash = spec.indexOf('-');
  if (dash < 0) return null;
  const last = dash + 1 === spec.length ? -2 : digits(spec.slice(dash + 1));
  if (last === -1) return null;
  if (dash === 0) {
    // A suffix range: the last `last` bytes.
    if (last < 0) return null;
    if (last === 0) return undefined;
    if (length === 0) return null;
    return new Span(last >= length ? 0 : length - last, length - 1);
  }
  const first = digits(spec.slice(0, dash));
  if (first < 0 || (last >= 0 && last < first)) return null;
  if (first >= length) return undefined;
  return new Span(first, last < 0 || last >= length ? length - 1 : last);
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: [['content-type', 'text/plain; charset=utf-8']] });
}

function notFound(): Response {
  return text(404, 'not found\n');
}

function notAllowed(): Response {
  return new Response('405 Method Not Allowed\n', {
    status: 405,
    headers: [
      ['allow', 'GET, HEAD'],
      ['content-type', 'text/plain; charset=utf-8'],
    ],
  });
}
