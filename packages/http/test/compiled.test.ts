/**
 * The HTTP parser and serializer compiled by Toro's own compiler mean what they mean on Node:
 * compiled/scenario.ts (pipelined, chunked, 100-continue and malformed requests, whole and three bytes
 * at a time; a response head, chunks, dates) must log the same lines both ways.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  expectCompiledSameAsNode,
  expectCompiledSameAsNodeAsync,
} from '../../net/test/compiled/same-as-node.js';
import { scenario } from './compiled/scenario.js';
import { serving } from './compiled/serving.js';
import { staticServing } from './compiled/static.js';

describe('the HTTP code compiled by Toro', () => {
  it('parses and writes as it does on Node', () => {
    const lines = expectCompiledSameAsNode(
      fileURLToPath(new URL('./compiled/main.ts', import.meta.url)),
      scenario,
    );
    expect(lines[0]).toContain('request GET /a?b=c HTTP/1.1 keepAlive=true');
    expect(lines.some((l) => l.includes('error 400 both Content-Length and Transfer-Encoding'))).toBe(true);
    expect(lines).toContain('Sun, 06 Nov 1994 08:49:37 GMT');
  }, 180_000);

  it('serves a connection through the router as it does on Node', async () => {
    const lines = await expectCompiledSameAsNodeAsync(
      fileURLToPath(new URL('./compiled/serving-main.ts', import.meta.url)),
      serving,
    );
    expect(lines).toContain('> {"id":"2","name":"two"}');
    expect(lines).toContain('> allow: GET');
    expect(lines.some((l) => l.startsWith('log http: GET /boom: Error: boom'))).toBe(true);
  }, 180_000);

  it('serves static files (ETags, 304, ranges, redirects, refused paths) as it does on Node', async () => {
    const lines = await expectCompiledSameAsNodeAsync(
      fileURLToPath(new URL('./compiled/static-main.ts', import.meta.url)),
      staticServing,
    );
    expect(lines).toContain('etags "2dbc2e1b-e" "3a439595-10"');
    expect(lines).toContain(
      'GET /data.bin range: bytes=0-3 -> 206 content-type=application/octet-stream content-length=4 ' +
        'content-range=bytes 0-3/10 accept-ranges=bytes etag="f9808ff2-a" cache-control=no-cache "0123"',
    );
    expect(lines).toContain(
      'GET /data.bin range: bytes=10- -> 416 content-range=bytes */10 accept-ranges=bytes ""',
    );
    expect(lines).toContain(
      'GET /index.html if-none-match: "2dbc2e1b-e" -> 304 etag="2dbc2e1b-e" cache-control=no-cache ""',
    );
    expect(lines).toContain('GET /docs?x=1&y=2 -> 301 location=/docs/?x=1&y=2 ""');
    expect(lines).toContain(
      'GET /docs%2Findex.html -> 404 content-type=text/plain; charset=utf-8 "not found\\n"',
    );
    expect(lines.filter((l) => l === '> Content-Length: 19')).toHaveLength(2);
  }, 180_000);
});
