// serveStatic through its Handler (Request in, Response out) for every rule of RFC 9110 it follows, then
// over a real socket with curl: ranges (-r, resuming with -C -), HEAD (-I), If-None-Match, a redirect
// followed (-L), and paths sent as they are (--path-as-is).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentTypeOf,
  type Handler,
  Request,
  Response,
  Router,
  type Server,
  type StaticOptions,
  serveStatic,
} from '../src/index.js';
import { startServer } from './node-conn.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** 32-bit FNV-1a, as the tag is documented to be. */
function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const x of b) h = Math.imul(h ^ x, 0x01000193);
  return h >>> 0;
}

const big = new Uint8Array(1 << 20);
for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff;

const files = new Map<string, Uint8Array>([
  ['index.html', utf8('<h1>home</h1>\n')],
  ['css/site.css', utf8('body { margin: 0 }\n')],
  ['docs/index.html', utf8('<h1>docs</h1>\n')],
  ['docs/notes.TXT', utf8('notes\n')],
  ['img/logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['empty.txt', new Uint8Array(0)],
  ['a b/caf\u00e9 #1?.txt', utf8('caf\u00e9\n')],
  ['app.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])],
  ['data.bin', utf8('0123456789')],
  ['big.bin', big],
]);

const site = serveStatic(files);

async function get(
  handler: Handler,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Response> {
  return await handler(new Request(`http://example.test${path}`, { method, headers }));
}

const bodyText = async (r: Response): Promise<string> => await r.text();
const etagOf = async (path: string): Promise<string> => (await get(site, path)).headers.get('etag') ?? '';

describe('contentTypeOf', () => {
  it('knows a site’s types by extension, case-insensitively, with charset=utf-8 on text', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('A/B/PAGE.HTM')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('app.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('s.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('d.json')).toBe('application/json');
    expect(contentTypeOf('i.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('p.JPEG')).toBe('image/jpeg');
    expect(contentTypeOf('f.woff2')).toBe('font/woff2');
    expect(contentTypeOf('m.wasm')).toBe('application/wasm');
    expect(contentTypeOf('x.tar.gz')).toBe('application/gzip');
    expect(contentTypeOf('v.mp4')).toBe('video/mp4');
    for (const ext of ['txt', 'md', 'csv', 'htm', 'js'])
      expect(contentTypeOf(`f.${ext}`)).toMatch(/^text\/.*; charset=utf-8$/);
  });

  it('gives application/octet-stream for no extension, an unknown one or a dot file', () => {
    expect(contentTypeOf('Makefile')).toBe('application/octet-stream');
    expect(contentTypeOf('a.b/file')).toBe('application/octet-stream');
    expect(contentTypeOf('.htaccess')).toBe('application/octet-stream');
    expect(contentTypeOf('x.unknownext')).toBe('application/octet-stream');
    expect(contentTypeOf('trailing.')).toBe('application/octet-stream');
  });

  it('takes extra types first, keyed with or without the dot, in any case', () => {
    const extra = { '.WASM': 'application/x-mine', md: 'text/x-md', '.thing': 'x/thing' };
    expect(contentTypeOf('a.wasm', extra)).toBe('application/x-mine');
    expect(contentTypeOf('a.MD', extra)).toBe('text/x-md');
    expect(contentTypeOf('a.thing', extra)).toBe('x/thing');
    expect(contentTypeOf('a.css', extra)).toBe('text/css; charset=utf-8');
  });
});

describe('serveStatic', () => {
  it('serves a file with its type, length, ETag, Accept-Ranges and Cache-Control', async () => {
    const r = await get(site, '/css/site.css');
    expect(r.status).toBe(200);
    const tag = `"${fnv1a(files.get('css/site.css')!).toString(16).padStart(8, '0')}-13"`;
    expect(Object.fromEntries(r.headers.entries())).toEqual({
      'content-type': 'text/css; charset=utf-8',
      'content-length': '19',
      'accept-ranges': 'bytes',
      etag: tag,
      'cache-control': 'no-cache',
    });
    expect(await bodyText(r)).toBe('body { margin: 0 }\n');
    expect((await get(site, '/img/logo.png')).headers.get('content-type')).toBe('image/png');
    expect((await get(site, '/docs/notes.TXT')).headers.get('content-type')).toBe(
      'text/plain; charset=utf-8',
    );
  });

  it('tags each file strongly once: the same on every answer, different for other bytes', async () => {
    const a = await etagOf('/index.html');
    expect(a).toMatch(/^"[0-9a-f]{8}-[0-9a-f]+"$/);
    expect(await etagOf('/index.html')).toBe(a);
    expect(await etagOf('/docs/')).not.toBe(a);
    expect(await etagOf('/empty.txt')).toBe('"811c9dc5-0"');
    expect(await etagOf('/big.bin')).toBe(`"${fnv1a(big).toString(16).padStart(8, '0')}-100000"`);
  });

  it('serves a folder’s index for / and for a path ending in /, and redirects a folder named without it', async () => {
    expect(await bodyText(await get(site, '/'))).toBe('<h1>home</h1>\n');
    expect(await bodyText(await get(site, '/docs/'))).toBe('<h1>docs</h1>\n');
    const r = await get(site, '/docs');
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/docs/');
    expect((await get(site, '/docs?q=1&r=%20')).headers.get('location')).toBe('/docs/?q=1&r=%20');
    expect((await get(site, '/css')).status).toBe(404); // a folder without an index
    expect((await get(site, '/css/')).status).toBe(404);
  });

  it('decodes each segment of the path', async () => {
    const r = await get(site, '/a%20b/caf%C3%A9%20%231%3F.txt');
    expect(r.status).toBe(200);
    expect(await bodyText(r)).toBe('caf\u00e9\n');
    expect((await get(site, '/a%20b/caf\u00e9%20%231%3F.txt')).status).toBe(200); // URL encodes é itself
    expect((await get(site, '/%63ss/site.css')).status).toBe(200);
  });

  it('answers 400 to a malformed escape and 404 to a segment that would leave its folder', async () => {
    for (const p of ['/%zz', '/docs/%', '/caf%C3', '/%ED%A0%80']) {
      const r = await get(site, p);
      expect(r.status, p).toBe(400);
      expect(await bodyText(r)).toContain('malformed %-escape');
    }
    for (const p of [
      '/docs/..%2Findex.html',
      '/docs%2Findex.html',
      '/docs%2findex.html',
      '/docs%5Cindex.html',
      '/index.html%00',
      '/%2e%2e%2f%2e%2e%2fetc/passwd',
    ]) {
      const fallback: Handler = () => new Response('fallback');
      const r = await get(serveStatic(files, { fallback }), p);
      expect(r.status, p).toBe(404);
      expect(await bodyText(r), p).toBe('not found\n');
    }
    // Dot segments, plain or escaped, are resolved by URL parsing and stay at the root.
    expect(await bodyText(await get(site, '/../../index.html'))).toBe('<h1>home</h1>\n');
    expect(await bodyText(await get(site, '/docs/%2e%2E/index.html'))).toBe('<h1>home</h1>\n');
    expect((await get(site, '/.%2e/.%2e/etc/passwd')).status).toBe(404); // "/etc/passwd": no such file
    expect((await get(site, '/css//site.css')).status).toBe(404);
  });

  it('answers 404 "not found" when nothing matches, or asks the fallback, whatever the method', async () => {
    const r = await get(site, '/nowhere.html');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await bodyText(r)).toBe('not found\n');
    const api = new Router()
      .get('/api/items', () => Response.json([1, 2]))
      .post('/api/items', async (req) => Response.json({ got: await req.text() }, { status: 201 }));
    const withApi = serveStatic(files, { fallback: api.fetch });
    expect(await (await get(withApi, '/api/items')).json()).toEqual([1, 2]);
    const posted = await withApi(new Request('http://h/api/items', { method: 'POST', body: 'x' }));
    expect(posted.status).toBe(201);
    expect(await posted.json()).toEqual({ got: 'x' });
    expect((await get(withApi, '/index.html')).status).toBe(200);
    expect((await get(withApi, '/nope')).status).toBe(404);
  });

  it('answers 405 with Allow: GET, HEAD to other methods on a file or a folder', async () => {
    for (const [method, path] of [
      ['POST', '/index.html'],
      ['PUT', '/css/site.css'],
      ['DELETE', '/docs'],
      ['OPTIONS', '/'],
    ]) {
      const r = await get(site, path, {}, method);
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('answers HEAD as GET (the server drops the body), ignoring Range', async () => {
    const g = await get(site, '/data.bin');
    const h = await get(site, '/data.bin', { range: 'bytes=0-3' }, 'HEAD');
    expect(h.status).toBe(200);
    expect([...h.headers.entries()]).toEqual([...g.headers.entries()]);
    expect(h.headers.get('content-length')).toBe('10');
  });

  it('answers If-None-Match that names the ETag (weakly, in a list, or *) with 304', async () => {
    const tag = await etagOf('/index.html');
    for (const inm of [tag, `W/${tag}`, `"x", ${tag}`, `"a,b" ,W/"q",${tag}`, '*', ` * `]) {
      for (const method of ['GET', 'HEAD']) {
        const r = await get(site, '/index.html', { 'if-none-match': inm }, method);
        expect(r.status, inm).toBe(304);
        expect(Object.fromEntries(r.headers.entries())).toEqual({ etag: tag, 'cache-control': 'no-cache' });
        expect((await r.bytes()).length).toBe(0);
      }
    }
    for (const inm of ['"other"', tag.slice(1, -1), `${tag.slice(0, -1)}x"`, `garbage, ${tag}`, `"x`, ''])
      expect((await get(site, '/index.html', { 'if-none-match': inm })).status, inm).toBe(200);
  });

  it('answers If-Match that does not name the ETag strongly with 412', async () => {
    const tag = await etagOf('/index.html');
    expect((await get(site, '/index.html', { 'if-match': tag })).status).toBe(200);
    expect((await get(site, '/index.html', { 'if-match': `"a", ${tag}` })).status).toBe(200);
    expect((await get(site, '/index.html', { 'if-match': '*' })).status).toBe(200);
    expect((await get(site, '/index.html', { 'if-match': '"other"' })).status).toBe(412);
    expect((await get(site, '/index.html', { 'if-match': `W/${tag}` })).status).toBe(412);
  });

  it('serves one byte range with 206 and Content-Range', async () => {
    const cases: [string, string, string][] = [
      ['bytes=0-3', '0-3', '0123'],
      ['bytes=7-', '7-9', '789'],
      ['bytes=-3', '7-9', '789'],
      ['bytes=-30', '0-9', '0123456789'],
      ['bytes=4-400', '4-9', '456789'],
      ['bytes=9-9', '9-9', '9'],
      ['BYTES=2-2', '2-2', '2'],
      ['bytes= 2-4 ,', '2-4', '234'],
      ['bytes=0-99999999999999999999999', '0-9', '0123456789'],
    ];
    for (const [range, span, body] of cases) {
      const r = await get(site, '/data.bin', { range });
      expect(r.status, range).toBe(206);
      expect(r.headers.get('content-range'), range).toBe(`bytes ${span}/10`);
      expect(r.headers.get('content-length')).toBe(`${body.length}`);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('etag')).toBe(await etagOf('/data.bin'));
      expect(await bodyText(r)).toBe(body);
    }
    const r = await get(site, '/big.bin', { range: 'bytes=1000000-1000009' });
    expect(r.headers.get('content-range')).toBe('bytes 1000000-1000009/1048576');
    expect(await r.bytes()).toEqual(big.subarray(1000000, 1000010));
  });

  it('answers an unsatisfiable range with 416 and bytes */length', async () => {
    for (const range of ['bytes=10-', 'bytes=10-20', 'bytes=-0', 'bytes=99999-']) {
      const r = await get(site, '/data.bin', { range });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('content-range')).toBe('bytes */10');
    }
  });

  it('ignores a Range it cannot read, another unit, or several ranges: the whole file with 200', async () => {
    for (const range of [
      'bytes=5-2',
      'bytes=x-1',
      'bytes=1-x',
      'bytes=-',
      'bytes=',
      'bytes=1',
      'bytes = 0-1',
      'items=0-1',
      '0-1',
      'bytes=0-1,4-5',
      'bytes=0-1, 20-30',
      'bytes=+1-2',
      'bytes=-+1',
    ]) {
      const r = await get(site, '/data.bin', { range });
      expect(r.status, range).toBe(200);
      expect(r.headers.get('content-range')).toBeNull();
      expect(await bodyText(r)).toBe('0123456789');
    }
  });

  it('honours Range under If-Range only for the exact strong ETag', async () => {
    const tag = await etagOf('/data.bin');
    expect((await get(site, '/data.bin', { range: 'bytes=0-1', 'if-range': tag })).status).toBe(206);
    for (const ifRange of [`W/${tag}`, '"stale"', 'Sun, 06 Nov 1994 08:49:37 GMT'])
      expect((await get(site, '/data.bin', { range: 'bytes=0-1', 'if-range': ifRange })).status).toBe(200);
    expect((await get(site, '/data.bin', { 'if-range': '"stale"' })).status).toBe(200);
  });

  it('evaluates If-None-Match before Range', async () => {
    const tag = await etagOf('/data.bin');
    expect((await get(site, '/data.bin', { range: 'bytes=0-1', 'if-none-match': tag })).status).toBe(304);
    expect((await get(site, '/data.bin', { range: 'bytes=0-1', 'if-none-match': '"x"' })).status).toBe(206);
  });

  it('serves an empty file: 200 with length 0, 416 for a range but a suffix one (ignored: 200)', async () => {
    const r = await get(site, '/empty.txt');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('0');
    expect((await r.bytes()).length).toBe(0);
    for (const range of ['bytes=0-', 'bytes=0-0', 'bytes=-0']) {
      const x = await get(site, '/empty.txt', { range });
      expect(x.status, range).toBe(416);
      expect(x.headers.get('content-range')).toBe('bytes */0');
    }
    expect((await get(site, '/empty.txt', { range: 'bytes=-5' })).status).toBe(200);
  });

  it('takes an index file, a Cache-Control value and content types as options', async () => {
    const options: StaticOptions = {
      index: 'notes.TXT',
      cacheControl: 'public, max-age=3600',
      contentTypes: { '.wasm': 'application/x-custom', '.txt': 'text/x-notes' },
    };
    const s = serveStatic(files, options);
    const r = await get(s, '/docs/');
    expect(await bodyText(r)).toBe('notes\n');
    expect(r.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(r.headers.get('content-type')).toBe('text/x-notes');
    expect((await get(s, '/docs')).headers.get('location')).toBe('/docs/');
    expect((await get(s, '/')).status).toBe(404);
    expect((await get(s, '/app.wasm')).headers.get('content-type')).toBe('application/x-custom');
    const tag = (await get(s, '/index.html')).headers.get('etag') ?? '';
    expect((await get(s, '/index.html', { 'if-none-match': tag })).headers.get('cache-control')).toBe(
      'public, max-age=3600',
    );
    expect((await get(serveStatic(files, { index: '' }), '/')).status).toBe(404);
  });

  it('refuses a key that no request path can name', () => {
    for (const key of ['/index.html', 'a//b', 'a/', '', './a', 'a/../b', 'a\\b', 'a\u0000b'])
      expect(() => serveStatic(new Map([[key, new Uint8Array(0)]])), JSON.stringify(key)).toThrow(TypeError);
  });

  it('answers 400 for a request URL that does not parse', async () => {
    expect((await site(new Request('*', { method: 'OPTIONS' }))).status).toBe(400);
  });
});

describe('serveStatic with real clients', () => {
  const run = promisify(execFile);
  const log: string[] = [];
  let server: Server;
  let base = '';
  const curl = async (...args: string[]): Promise<string> =>
    (await run('curl', ['-sS', '--max-time', '10', ...args], { timeout: 15_000, encoding: 'latin1' })).stdout;

  beforeAll(async () => {
    server = await startServer(serveStatic(files), log);
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.shutdown(1000);
  });

  it('curl -r gets 206 and just those bytes; out of range, 416', async () => {
    const out = await curl('-i', '-r', '0-3', `${base}/data.bin`);
    expect(out).toMatch(/^HTTP\/1\.1 206 Partial Content\r\n/);
    expect(out).toContain('\r\ncontent-range: bytes 0-3/10\r\n');
    expect(out).toContain('\r\nContent-Length: 4\r\n');
    expect(out.endsWith('\r\n\r\n0123')).toBe(true);
    expect(await curl('-r', '-4', `${base}/data.bin`)).toBe('6789');
    expect(await curl('-o', '/dev/null', '-w', '%{http_code}', '-r', '50-', `${base}/data.bin`)).toBe('416');
  });

  it('curl -C - resumes a download where the file it has ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toro-static-'));
    try {
      const file = join(dir, 'big.bin');
      writeFileSync(file, big.subarray(0, 300_000));
      await curl('-C', '-', '-o', file, `${base}/big.bin`);
      expect(Buffer.compare(readFileSync(file), Buffer.from(big))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('curl -I gets GET’s headers and length, and no body', async () => {
    const head = await curl('-I', `${base}/css/site.css`);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('\r\nContent-Length: 19\r\n');
    expect(head).toContain('\r\naccept-ranges: bytes\r\n');
    expect(head).toContain(`\r\netag: ${await etagOf('/css/site.css')}\r\n`);
    expect(head).toContain('\r\ncontent-type: text/css; charset=utf-8\r\n');
  });

  it('curl -H If-None-Match gets 304 with the ETag and no body', async () => {
    const tag = await etagOf('/index.html');
    const out = await curl('-i', '-H', `If-None-Match: ${tag}`, `${base}/index.html`);
    expect(out).toMatch(/^HTTP\/1\.1 304 Not Modified\r\n/);
    expect(out).toContain(`\r\netag: ${tag}\r\n`);
    expect(out).toContain('\r\ncache-control: no-cache\r\n');
    expect(out).not.toContain('Content-Length');
    expect(out.endsWith('\r\n\r\n')).toBe(true);
    expect(await curl('-H', 'If-None-Match: "stale"', `${base}/index.html`)).toBe('<h1>home</h1>\n');
  });

  it('curl -L follows a folder’s redirect; paths sent as they are stay inside the root', async () => {
    expect(await curl('-L', `${base}/docs?x=1`)).toBe('<h1>docs</h1>\n');
    expect(await curl('--path-as-is', `${base}/../../index.html`)).toBe('<h1>home</h1>\n');
    const code = (p: string) => curl('--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `${base}${p}`);
    expect(await code('/..%2f..%2fetc%2fpasswd')).toBe('404');
    expect(await code('/docs%5c..%5cindex.html')).toBe('404');
    expect(await code('/%ff')).toBe('400');
    expect(await curl('-X', 'POST', '-o', '/dev/null', '-w', '%{http_code}', `${base}/index.html`)).toBe(
      '405',
    );
  });
});
