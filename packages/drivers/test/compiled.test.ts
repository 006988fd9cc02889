/**
 * The drivers compiled by Toro's own compiler mean what they mean on Node: compiled/scenario.ts (frames
 * both ways through the simulated virtio-net-pci and virtio-mmio devices, then the whole network stack
 * over the driver: DHCP and pings) must log the same lines both ways.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectCompiledSameAsNode } from '../../net/test/compiled/same-as-node.js';
import { scenario } from './compiled/scenario.js';

describe('the virtio-net driver compiled by Toro', () => {
  it('moves every frame and carries the stack as it does on Node', () => {
    const lines = expectCompiledSameAsNode(
      fileURLToPath(new URL('./compiled/main.ts', import.meta.url)),
      scenario,
    );
    expect(lines).toContain('pci: received 2000 transmitted 2000');
    expect(lines).toContain('mmio: received 2000 transmitted 2000');
    expect(lines).toContain('stack over virtio: pings answered 3 of 3; peer saw discover,request');
  }, 180_000);
});
