/**
 * The stack compiled by Toro's own compiler means what it means on Node: compiled/scenario.ts (DHCP,
 * pings and DNS over an impaired wire against a slirp-like peer; 256 KiB over TCP with loss, reordering
 * and duplication, then close) must log the same lines, counters included, both ways.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectCompiledSameAsNode } from './compiled/same-as-node.js';
import { scenario } from './compiled/scenario.js';

describe('the network stack compiled by Toro', () => {
  it('logs what it logs on Node: DHCP, ping, DNS, a TCP transfer and every counter', () => {
    const lines = expectCompiledSameAsNode(
      fileURLToPath(new URL('./compiled/main.ts', import.meta.url)),
      scenario,
    );
    expect(lines).toContain('resolve toro.test -> 10.0.2.99; pings answered 5');
    expect(lines.some((l) => l.startsWith('tcp done=true received=262144 inOrder=true'))).toBe(true);
    expect(lines).toContain('tcp after close: connections 0 0');
  }, 180_000);
});
