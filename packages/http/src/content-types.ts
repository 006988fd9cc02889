/**
 * Media types by file extension, for a static file server's `Content-Type` (RFC 9110 §8.3): the types
 * a web site is made of, as the IANA registry names them (RFC 9239 for JavaScript, RFC 8081 for fonts).
 * Text types carry `charset=utf-8`, which is what a site's files are written in; a type whose format
 * says its own encoding (JSON, XML, SVG) carries none.
 */
import { lowerAscii } from './bytes.js';

const UTF8 = '; charset=utf-8';

/** Extension (lower case, with its dot) and media type. */
const TYPES: [string, string][] = [
  ['.html', `text/html${UTF8}`],
  ['.htm', `text/html${UTF8}`],
  ['.css', `text/css${UTF8}`],
  ['.js', `text/javascript${UTF8}`],
  ['.mjs', `text/javascript${UTF8}`],
  ['.cjs', `text/javascript${UTF8}`],
  ['.txt', `text/plain${UTF8}`],
  ['.md', `text/markdown${UTF8}`],
  ['.csv', `text/csv${UTF8}`],
  ['.ics', `text/calendar${UTF8}`],
  ['.vtt', `text/vtt${UTF8}`],
  ['.json', 'application/json'],
  ['.map', 'application/json'],
  ['.webmanifest', 'application/manifest+json'],
  ['.xml', 'application/xml'],
  ['.rss', 'application/rss+xml'],
  ['.atom', 'application/atom+xml'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.apng', 'image/apng'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.gif', 'image/gif'],
  ['.webp', 'image/webp'],
  ['.avif', 'image/avif'],
  ['.bmp', 'image/bmp'],
  ['.ico', 'image/x-icon'],
  ['.wasm', 'application/wasm'],
  ['.woff', 'font/woff'],
  ['.woff2', 'font/woff2'],
  ['.ttf', 'font/ttf'],
  ['.otf', 'font/otf'],
  ['.pdf', 'application/pdf'],
  ['.mp4', 'video/mp4'],
  ['.webm', 'video/webm'],
  ['.ogv', 'video/ogg'],
  ['.mp3', 'audio/mpeg'],
  ['.ogg', 'audio/ogg'],
  ['.oga', 'audio/ogg'],
  ['.wav', 'audio/wav'],
  ['.flac', 'audio/flac'],
  ['.m4a', 'audio/mp4'],
  ['.zip', 'application/zip'],
  ['.gz', 'application/gzip'],
  ['.tgz', 'application/gzip'],
  ['.tar', 'application/x-tar'],
];

const BUILT_IN = new Map<string, string>(TYPES);

/** Content types keyed as `extensionOf` gives them: lower case, with the dot ("wasm" counts as ".wasm"). */
export function normalizedTypes(types: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of Object.keys(types)) {
    const ext = lowerAscii(key);
    out.set(ext.startsWith('.') ? ext : `.${ext}`, types[key]);
  }
  return out;
}

/**
 * The extension of the last segment of `path`, lower case with its dot (`css/Site.CSS` → `.css`), or ''
 * when it has none; a name that starts with its only dot (`.htaccess`) has none, as Node's extname says.
 */
export function extensionOf(path: string): string {
  const name = path.lastIndexOf('/') + 1;
  const dot = path.lastIndexOf('.');
  if (dot <= name) return '';
  return lowerAscii(path.slice(dot));
}

/** The content type for `extension` (as extensionOf gives it) from `extra`, then the built-in table. */
export function contentTypeFor(extension: string, extra: Map<string, string> | null): string {
  if (extra !== null) {
    const own = extra.get(extension);
    if (own !== undefined) return own;
  }
  const known = BUILT_IN.get(extension);
  return known ?? 'application/octet-stream';
}

/**
 * The `Content-Type` of a file by its extension, compared case-insensitively: `extra` first (keys such
 * as ".wasm"), then the built-in table; `application/octet-stream` for an extension neither knows.
 */
export function contentTypeOf(path: string, extra?: Record<string, string>): string {
  return contentTypeFor(extensionOf(path), extra === undefined ? null : normalizedTypes(extra));
}
