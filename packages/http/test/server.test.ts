// The connection loop against real clients on 127.0.0.1: curl (keep-alive, HEAD, 100-continue, chunked
// uploads), raw bytes for pipelining, malformed requests and timeouts, and ab for many requests on
// kept-alive connections. The handler is a small JSON API like the web-server template's.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Request, Response, type Server } from '../src/index.js';
import { exchange } from './exchange.js';
import { startServer } from './node-conn.js';

const run = promisify(execFile);
const log: string[] = [];
let port = 0;
let server: Server;

async function handler(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === '/health') return Response.json({ ok: true });
  if (url.pathname === '/echo' && req.method === 'POST') {
    const body = await req.text();
    return new Response(body, {
      headers: { 'content-type': req.headers.get('content-type') ?? 'text/plain' },
    });
  }
  if (url.pathname === '/boom') throw new Error('the handler failed');
  if (url.pathname === '/gone') return Response.redirect('/health', 301);
  return new Response('not here\n', { status: 404 });
}

beforeAll(async () => {
  server = await startServer(handler, log, { timeoutMs: 1500, headerTimeoutMs: 2500 });
  port = server.port;
});
afterAll(async () => {
  await server.shutdown(1000);
});

/** Sends raw bytes on one connection and returns all it gets until the server closes (or 5 s). */
const raw = async (bytes: string, to = port): Promise<string> =>
  (await exchange(to, bytes, { limitMs: 5000 })).text;

const curl = async (...args: string[]): Promise<string> =>
  (await run('curl', ['-sS', '--max-time', '10', ...args], { timeout: 15_000 })).stdout;

describe('serveConnection with real clients', () => {
  it('answers curl with the status, the headers and the body', async () => {
    const out = await curl('-i', `http://127.0.0.1:${port}/health`);
    expect(out).toBe(
      'HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 10:00:00 GMT\r\nServer: Toro\r\ncontent-type: application/json\r\n' +
        'Content-Length: 11\r\n\r\n{"ok":true}',
    );
    expect(await curl('-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/nothing`)).toBe(
      '404',
    );
    expect(await curl('-I', `http://127.0.0.1:${port}/health`)).toContain('Content-Length: 11\r\n');
    expect(
      await curl('-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://127.0.0.1:${port}/gone`),
    ).toBe(`301 http://127.0.0.1:${port}/health`);
  });

  it('takes bodies: Content-Length, chunked, and 100-continue', async () => {
    const url = `http://127.0.0.1:${port}/echo`;
    expect(await curl('--data-binary', 'hello there', url)).toBe('hello there');
    expect(await curl('-H', 'Transfer-Encoding: chunked', '--data-binary', 'chunked body', url)).toBe(
      'chunked body',
    );
    const file = join(mkdtempSync(join(tmpdir(), 'toro-http-')), 'body');
    const big = 'x'.repeat(1 << 20);
    writeFileSync(file, big);
    const out = await run('curl', ['-sS', '-H', 'Expect: 100-continue', '--data-binary', `@${file}`, url], {
      timeout: 15_000,
      maxBuffer: 4 << 20,
    });
    rmSync(file);
    expect(out.stdout.length).toBe(big.length);
    expect(out.stdout === big).toBe(true);
  });

  it('keeps an HTTP/1.0 client that asks for it and says so', async () => {
    const out = await raw(
      'GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /health HTTP/1.0\r\n\r\n',
    );
    expect(out.match(/HTTP\/1\.1 200/g)?.length).toBe(2);
    expect(out).toContain('Connection: keep-alive\r\n');
    expect(out).toContain('Connection: close\r\n');
  });

  it('keeps one connection for many requests (curl reuses it) and answers pipelined ones in order', async () => {
    const out = await run(
      'curl',
      ['-sS', '-v', `http://127.0.0.1:${port}/health`, `http://127.0.0.1:${port}/health`],
      {
        timeout: 15_000,
      },
    );
    expect(out.stderr).toMatch(/Re-using existing connection|Reusing existing connection/);
    const answers = await raw(
      'GET /health HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc' +
        'GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const statuses = answers.match(/HTTP\/1\.1 \d{3}/g);
    expect(statuses).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 404']);
    expect(answers).toContain('\r\n\r\nabc');
    expect(answers).toContain('Connection: close\r\n');
  });

  it('answers malformed and smuggling requests with their status and closes', async () => {
    const cases: [string, string][] = [
      ['GET / HTTP/1.1\r\n\r\n', '400'],
      [
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        '400',
      ],
      ['GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n', '400'],
      ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', '501'],
      ['GET / HTTP/3.0\r\nHost: x\r\n\r\n', '505'],
      [`GET /${'a'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, '414'],
      [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, '431'],
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n', '413'],
    ];
    for (const [req, status] of cases) {
      const out = await raw(req);
      expect(out.slice(0, 12), JSON.stringify(req.slice(0, 60))).toBe(`HTTP/1.1 ${status}`);
      expect(out).toContain('Connection: close\r\n');
    }
  });

  it('gives 500 for a handler that throws, logs its stack, and keeps serving the connection', async () => {
    const out = await raw(
      'GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(out.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 500', 'HTTP/1.1 200']);
    const line = log.find((l) => l.startsWith('http: GET /boom: Error: the handler failed'));
    expect(line).toContain('server.test.ts');
  });

  it('gives 408 to a request left unfinished, and closes an idle connection silently', async () => {
    expect((await raw('GET /health HTTP/1.1\r\nHost: x\r\n')).slice(0, 12)).toBe('HTTP/1.1 408');
    expect(await raw('')).toBe('');
  });

  it('gives 408 to a head that trickles in a byte at a time, however steady', async () => {
    const started = Date.now();
    const out = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      const head = 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'y'.repeat(100);
      let sent = 0;
      let got = '';
      const drip = setInterval(() => {
        if (sent < head.length && !s.destroyed) s.write(head[sent++]);
      }, 200);
      s.on('data', (d) => {
        got += d.toString('latin1');
      });
      s.on('close', () => {
        clearInterval(drip);
        resolve(got);
      });
      s.on('error', reject);
    });
    expect(out.slice(0, 12)).toBe('HTTP/1.1 408');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(2400);
    expect(took).toBeLessThan(6000);
  });

  it('serves ab: 2,000 requests on 10 kept-alive connections, none failed', async () => {
    const out = await run('ab', ['-k', '-q', '-n', '2000', '-c', '10', `http://127.0.0.1:${port}/health`], {
      timeout: 60_000,
    });
    expect(out.stdout).toMatch(/Complete requests:\s+2000/);
    expect(out.stdout).toMatch(/Failed requests:\s+0/);
    expect(out.stdout).toMatch(/Keep-Alive requests:\s+2000/);
  }, 70_000);
});

describe('serveOn: the accept loop, its bound and shutdown', () => {
  it('serves at most maxConnections at once; the next waits for a free one', async () => {
    const lines: string[] = [];
    const s = await startServer(handler, lines, { maxConnections: 1, accessLog: true });
    const first = connect(s.port, '127.0.0.1');
    await new Promise((r) => first.on('connect', r));
    const second = curl(`http://127.0.0.1:${s.port}/health`);
    let answered = false;
    void second.then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    expect(s.connections).toBe(1);
    first.destroy();
    expect(await second).toBe('{"ok":true}');
    expect(lines).toContain('127.0.0.1 "GET /health HTTP/1.1" 200 11');
    await s.shutdown(1000);
  });

  it('shuts down gracefully: idle connections closed, a request in flight answered, then the hook', async () => {
    const lines: string[] = [];
    let release = (): void => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let hooked = 0;
    const s = await startServer(
      async (req) => {
        if (new URL(req.url).pathname === '/slow') await held;
        return new Response('done');
      },
      lines,
      {
        onShutdown: () => {
          hooked++;
        },
      },
    );
    const idle = connect(s.port, '127.0.0.1');
    const idleClosed = new Promise((r) => idle.on('close', r));
    idle.on('error', () => undefined);
    const slow = raw('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', s.port);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.connections).toBe(2);
    const down = s.shutdown(5000);
    await idleClosed;
    release();
    const answer = await slow;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toContain('Connection: close\r\n');
    expect(answer.endsWith('\r\n\r\ndone')).toBe(true);
    await down;
    await s.stopped();
    expect(hooked).toBe(1);
    expect(s.connections).toBe(0);
    await expect(curl(`http://127.0.0.1:${s.port}/`)).rejects.toThrow();
  });

  it('refuses options that make no sense', async () => {
    await expect(startServer(handler, [], { maxConnections: 0 })).rejects.toThrow(
      'serve: maxConnections 0 is not a whole number >= 1',
    );
  });
});
