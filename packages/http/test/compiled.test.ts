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
});
