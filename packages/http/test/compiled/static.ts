/**
 * serveStatic, run twice: on Node (compiled.test.ts) and compiled by Toro's compiler (static-main.ts).
 * A small site in a Map answers GET, HEAD, conditional requests (304, 412), ranges (206, 416, ignored),
 * a folder's index and its redirect, 404, 405, 400 and paths that try to leave the root; then one
 * scripted connection shows HEAD's Content-Length equal to GET's. Both runs must log the same lines.
 */
import { contentTypeOf } from '../../src/content-types.js';
import { Request, Response } from '../../src/message.js';
import { Router } from '../../src/router.js';
import { serveConnection } from '../../src/server.js';
import { serveStatic } from '../../src/static.js';
import { ScriptedConnection } from './scripted-connection.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The body as text when it is printable ASCII, else as hex bytes. */
function shown(b: Uint8Array): string {
  let printable = true;
  for (let i = 0; i < b.length; i++) if ((b[i] < 0x20 && b[i] !== 10) || b[i] > 0x7e) printable = false;
  if (printable) return JSON.stringify(new TextDecoder().decode(b));
  const hex: string[] = [];
  for (let i = 0; i < b.length; i++) hex.push(b[i].toString(16).padStart(2, '0'));
  return `<${hex.join(' ')}>`;
}

const SHOWN_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'cache-control',
  'location',
  'allow',
];

async function describe(response: Response): Promise<string> {
  let out = `${response.status}`;
  for (const name of SHOWN_HEADERS) {
    const v = response.headers.get(name);
    if (v !== null) out += ` ${name}=${v}`;
  }
  return `${out} ${shown(await response.bytes())}`;
}

export async function staticServing(log: (line: string) => void): Promise<void> {
  for (const p of ['index.html', 'CSS/Site.CSS', 'a.b/c', '.htaccess', 'x.tar.gz', 'app.wasm', 'f.webp'])
    log(`type ${p} ${contentTypeOf(p)} / ${contentTypeOf(p, { wasm: 'application/wasm+x', '.GZ': 'x/gz' })}`);

  const logo = new Uint8Array(16);
  for (let i = 0; i < logo.length; i++) logo[i] = (i * 37 + 200) & 0xff;
  const files = new Map<string, Uint8Array>([
    ['index.html', utf8('<h1>home</h1>\n')],
    ['css/site.css', utf8('body { margin: 0 }\n')],
    ['docs/index.html', utf8('<h1>docs</h1>\n')],
    ['docs/guide.md', utf8('# Guide\n')],
    ['img/logo.png', logo],
    ['empty.txt', new Uint8Array(0)],
    ['a b/caf\u00e9.txt', utf8('caf\u00e9\n')],
    ['app.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])],
    ['data.bin', utf8('0123456789')],
  ]);
  const site = serveStatic(files, { contentTypes: { '.wasm': 'application/wasm' } });

  const first = await site(new Request('http://h/index.html'));
  const etag = first.headers.get('etag') ?? '';
  const logoTag = (await site(new Request('http://h/img/logo.png'))).headers.get('etag') ?? '';
  log(`etags ${etag} ${logoTag}`);

  const cases: [string, string, [string, string][]][] = [
    ['GET', '/', []],
    ['GET', '/index.html', []],
    ['HEAD', '/css/site.css', []],
    ['GET', '/docs/', []],
    ['GET', '/docs', []],
    ['GET', '/docs?x=1&y=2', []],
    ['GET', '/docs/guide.md', []],
    ['GET', '/img/logo.png', []],
    ['GET', '/a%20b/caf%C3%A9.txt', []],
    ['GET', '/app.wasm', []],
    ['GET', '/empty.txt', []],
    ['GET', '/nowhere.html', []],
    ['POST', '/index.html', []],
    ['DELETE', '/docs', []],
    ['GET', '/index.html', [['if-none-match', etag]]],
    ['HEAD', '/index.html', [['if-none-match', `"other", W/${etag}`]]],
    ['GET', '/index.html', [['if-none-match', '*']]],
    ['GET', '/index.html', [['if-none-match', '"other"']]],
    ['GET', '/index.html', [['if-match', '"other"']]],
    ['GET', '/index.html', [['if-match', etag]]],
    ['GET', '/data.bin', [['range', 'bytes=0-3']]],
    ['GET', '/data.bin', [['range', 'bytes=7-']]],
    ['GET', '/data.bin', [['range', 'bytes=-3']]],
    ['GET', '/data.bin', [['range', 'bytes=-30']]],
    ['GET', '/data.bin', [['range', 'bytes=4-400']]],
    ['GET', '/data.bin', [['range', 'Bytes = 2-2']]],
    ['GET', '/data.bin', [['range', 'BYTES=2-2']]],
    ['GET', '/data.bin', [['range', 'bytes=10-']]],
    ['GET', '/data.bin', [['range', 'bytes=-0']]],
    ['GET', '/data.bin', [['range', 'bytes=5-2']]],
    ['GET', '/data.bin', [['range', 'items=0-1']]],
    ['GET', '/data.bin', [['range', 'bytes=0-1,4-5']]],
    ['GET', '/data.bin', [['range', 'bytes=x-1']]],
    ['HEAD', '/data.bin', [['range', 'bytes=0-3']]],
    ['GET', '/img/logo.png', [['range', 'bytes=2-5']]],
    [
      'GET',
      '/img/logo.png',
      [
        ['range', 'bytes=2-5'],
        ['if-range', logoTag],
      ],
    ],
    [
      'GET',
      '/img/logo.png',
      [
        ['range', 'bytes=2-5'],
        ['if-range', `W/${logoTag}`],
      ],
    ],
    [
      'GET',
      '/img/logo.png',
      [
        ['range', 'bytes=2-5'],
        ['if-range', '"stale"'],
      ],
    ],
    [
      'GET',
      '/img/logo.png',
      [
        ['range', 'bytes=2-5'],
        ['if-none-match', logoTag],
      ],
    ],
    ['GET', '/empty.txt', [['range', 'bytes=0-']]],
    ['GET', '/empty.txt', [['range', 'bytes=-5']]],
    ['GET', '/a%zz', []],
    ['GET', '/caf%C3', []],
    ['GET', '/docs/..%2Findex.html', []],
    ['GET', '/docs/%2E%2E/%2E%2E/index.html', []],
    ['GET', '/docs/%2e%2e', []],
    ['GET', '/docs%2Findex.html', []],
    ['GET', '/docs%5Cindex.html', []],
    ['GET', '/index.html%00', []],
    ['GET', '/../index.html', []],
    ['GET', '//docs', []],
    ['GET', '/css//site.css', []],
  ];
  for (const [method, path, headers] of cases) {
    const response = await site(new Request(`http://h${path}`, { method, headers }));
    const asked = headers.map((h) => ` ${h[0]}: ${h[1]}`).join('');
    log(`${method} ${path}${asked} -> ${await describe(response)}`);
  }

  // Options: another index, Cache-Control, and a router behind the files.
  const api = new Router().get('/api/hello', () => Response.json({ hello: 'world' }));
  const other = serveStatic(files, {
    index: 'guide.md',
    cacheControl: 'public, max-age=60',
    fallback: api.fetch,
  });
  for (const [method, path] of [
    ['GET', '/docs/'],
    ['GET', '/docs'],
    ['GET', '/'],
    ['GET', '/api/hello'],
    ['POST', '/api/hello'],
    ['GET', '/api/nothing'],
  ])
    log(
      `other ${method} ${path} -> ${await describe(await other(new Request(`http://h${path}`, { method })))}`,
    );

  for (const key of ['/index.html', 'a//b', 'docs/../x', 'a\\b', ''])
    try {
      serveStatic(new Map<string, Uint8Array>([[key, new Uint8Array(0)]]));
      log(`key ${JSON.stringify(key)} taken`);
    } catch (e) {
      log(`key ${JSON.stringify(key)}: ${(e as Error).message}`);
    }

  // Through the server: HEAD gets GET's Content-Length and no body; a range and a 304 on the wire.
  const conn = new ScriptedConnection([
    'GET /css/site.css HTTP/1.1\r\nHost: h\r\n\r\nHEAD /css/site.css HTTP/1.1\r\nHost: h\r\n\r\n',
    'GET /data.bin HTTP/1.1\r\nHost: h\r\nRange: bytes=3-5\r\n\r\n',
    `GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`,
  ]);
  await serveConnection(conn, site, { now: () => 1_796_644_800_000, log, server: '' });
  for (const w of conn.written) for (const l of w.split('\r\n')) log(`> ${l.replaceAll('\n', '\\n')}`);
  log(`${conn.written.length} writes`);
}
