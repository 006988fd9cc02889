/**
 * The server and the router, run twice: on Node (compiled.test.ts) and compiled by Toro's compiler
 * (serving-main.ts). A scripted connection feeds requests in pieces and records what the server writes;
 * the router answers with parameters, 404, 405 with Allow, HEAD through GET, JSON bodies and a handler
 * that throws. Both runs must log the same lines.
 */
import { Response } from '../../src/message.js';
import { decodePercent } from '../../src/percent.js';
import { pathOf, Router } from '../../src/router.js';
import { URLSearchParams } from '../../src/search-params.js';
import { serveConnection } from '../../src/server.js';
import { URL } from '../../src/url.js';
import { ScriptedConnection } from './scripted-connection.js';

function app(): Router {
  const items = new Map<string, string>([['1', 'one']]);
  return new Router()
    .get('/health', () => Response.json({ ok: true }))
    .get('/items/:id', (_req, params) => {
      const item = items.get(params.id);
      if (item === undefined) return Response.json({ error: `no item ${params.id}` }, { status: 404 });
      return Response.json({ id: params.id, name: item });
    })
    .put('/items/:id', async (req, params) => {
      const body = (await req.json()) as { name?: unknown };
      if (typeof body.name !== 'string')
        return Response.json({ error: 'name must be a string' }, { status: 400 });
      items.set(params.id, body.name);
      return Response.json({ id: params.id, name: body.name }, { status: 201 });
    })
    .delete('/items/:id', (_req, params) => {
      items.delete(params.id);
      return new Response(null, { status: 204 });
    })
    .get('/files/*', (_req, params) => new Response(`file ${params['*']}\n`))
    .get('/boom', () => {
      throw new Error('boom');
    });
}

export async function serving(log: (line: string) => void): Promise<void> {
  for (const u of ['http://h/a/b?c#d', '/x?y', 'http://h', 'http://h/p#f?q', '/']) log(`path ${pathOf(u)}`);
  for (const s of ['plain', 'a%20b', '%E2%82%AC', '%zz', '%C3', '%ED%A0%80', 'caf%C3%A9'])
    log(`decode ${s} ${decodePercent(s) ?? '(malformed)'}`);
  for (const [u, base] of [
    ['HTTP://EXAMPLE.COM:80/a/../b/./c?x=1&y=a+b#f', undefined],
    ['https://user:pa:ss@[0:0:0:0:0:0:0:1]:8443/p%41 q', undefined],
    ['http://0x7f.1/ü?ü#ü', undefined],
    ['../x?q', 'http://h/a/b/c'],
    ['mailto:someone@example.com?s=hi', undefined],
    ['http://h:99999/', undefined],
    ['http://[1::2::3]/', undefined],
  ] as [string, string | undefined][]) {
    try {
      const url = new URL(u, base);
      log(`url ${url.href} ${url.origin} ${url.host} ${url.pathname} ${url.search} ${url.hash}`);
      log(`  params ${url.searchParams.toString()} x=${url.searchParams.get('x')}`);
    } catch (e) {
      log(`url ${u}: ${(e as Error).message}`);
    }
  }
  const params = new URLSearchParams('b=2&a=1&a=%C3%A9&c');
  params.append('d', 'x y&z');
  params.sort();
  log(`params ${params.toString()} ${params.getAll('a').join('|')} ${params.has('c')} ${params.size}`);
  const router = app();
  const script = [
    'GET /health HTTP/1.1\r\nHost: h\r\n\r\nGET /items/1 HTTP/1.1\r\nHost: h\r\n\r\n',
    'PUT /items/2 HTTP/1.1\r\nHost: h\r\nContent-Length: 14\r\n\r\n{"name":',
    '"two"}',
    'GET /items/2 HTTP/1.1\r\nHost: h\r\n\r\nGET /items/3 HTTP/1.1\r\nHost: h\r\n\r\n',
    'PUT /items/4 HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n{"name":4}',
    'DELETE /items/2 HTTP/1.1\r\nHost: h\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: h\r\n\r\n',
    'POST /health HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\nHEAD /items/1 HTTP/1.1\r\nHost: h\r\n\r\n',
    'GET /files/a/b%20c.txt HTTP/1.1\r\nHost: h\r\n\r\nGET /items/%zz HTTP/1.1\r\nHost: h\r\n\r\n',
    'GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\nGET /boom HTTP/1.1\r\nHost: h\r\n\r\n',
    'GET /health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
  ];
  const conn = new ScriptedConnection(script);
  const lines: string[] = [];
  await serveConnection(conn, router.fetch, {
    now: () => 1_796_644_800_000, // Mon, 07 Dec 2026 12:00:00 GMT
    log: (l) => lines.push(l.split('\n')[0]),
    accessLog: true,
    remote: '10.0.2.2',
  });
  for (const w of conn.written) for (const l of w.split('\r\n')) log(`> ${l.replaceAll('\n', '\\n')}`);
  for (const l of lines) log(`log ${l}`);
  log(`ended=${conn.ended} closed=${conn.closed}`);
  // A client that leaves mid-request and a malformed one: closed, with 400 for the second.
  const gone = new ScriptedConnection(['GET /health HTTP/1.1\r\nHo']);
  await serveConnection(gone, router.fetch, { now: () => 0, log });
  log(`gone: ${gone.written.length} writes, closed=${gone.closed}`);
  const bad = new ScriptedConnection([
    'GET /health HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
  ]);
  await serveConnection(bad, router.fetch, { now: () => 0, log, server: '' });
  log(`bad: ${bad.written.join('').split('\r\n')[0]} closed=${bad.closed}`);
}
