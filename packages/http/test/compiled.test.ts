/**
 * The HTTP parser and serializer compiled by Toro's own compiler mean what they mean on Node:
 * compiled/scenario.ts (pipelined, chunked, 100-continue and malformed requests, whole and three bytes
 * at a time; a response head, chunks, dates) must log the same lines both ways.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectCompiledSameAsNode } from '../../net/test/compiled/same-as-node.js';
import { scenario } from './compiled/scenario.js';

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
});
