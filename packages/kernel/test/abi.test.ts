/**
 * The kernel ABI (asm/abi.asm, docs/kernel-abi.md) through the self-test "abi" (asm/st_abi.asm): every
 * entry point called once with good arguments and, where it checks them, with bad ones — a bad argument
 * must come back as the documented error value, never as a fault. And toro_panic's report and exit code.
 */
import { expect, test } from 'vitest';
import { big, bootSelftest, runSelftest, useSelftestImage } from './helpers/selftest.js';

const MINUS_1 = (1n << 64n) - 1n;
const MINUS_2 = (1n << 64n) - 2n;
const MECH_NSTATS = 16n; // counters in struc mech from .total_bytes on (asm/mech_defs.asm)

const image = useSelftestImage();

test.each([
  ['microvm', 2],
  ['q35', 4],
] as const)('every entry point on %s with %i CPUs', async (machine, cpus) => {
  const run = await runSelftest(image(), { test: 'abi', machine, cpus });
  expect(run.lines).toContain('toro: abi hello');
  const [{ values: r }] = run.results;
  const expected: Record<string, bigint> = {
    write: 17n,
    write_bad: MINUS_1,
    page_free_misaligned: MINUS_1,
    page_free: 0n,
    page_zero: 0n,
    page_huge: 0n,
    free_misaligned: MINUS_1,
    free_stack: MINUS_1,
    alloc_free: 0n,
    alloc_zero: 0n,
    alloc_big: 0n,
    create_null: 0n,
    join: 8n,
    create_on_bad: MINUS_1,
    send_bad: MINUS_1,
    loop_src: 0n,
    loop_a: 77n,
    recv_bad: MINUS_2,
    clock_monotonic: 1n,
    cpu: 0n,
    cpus: BigInt(cpus),
    node: 0n,
    nodes: 1n,
    cpu_node: 0n,
    cpu_node_bad: 0xffffffffn,
    stats: MECH_NSTATS,
    stats_bad: 0n,
    node_free_ok: 1n,
    node_bad: MINUS_1,
    // toro_stack_map: lazily committed stacks (asm/stack_window.asm)
    stack_big: 0n,
    stack_size: 1048576n - 4096n,
    stack_touch: 3n,
    stack_zero: 0n,
    stack_pages: 2n,
    stack_unmap: 0n,
    stack_kept: 0n,
    stack_unmap_twice: MINUS_1,
    stack_unmap_bad: MINUS_1,
    stacks_many: 3000n,
    stacks_kept: 0n,
    // toro_space_map: collector semispaces over any free pages (asm/stack_window.asm)
    space_zero: 0n,
    space_huge: 0n,
    space_size: 3n * 1048576n + 5n * 4096n,
    space_aligned: 0n,
    space_pages: (3n * 1048576n) / 4096n + 5n,
    space_touch: 3n,
    space_unmap: 0n,
    space_kept: 0n,
    space_unmap_twice: MINUS_1,
    space_unmap_bad: MINUS_1,
    space_scattered_ok: 1n,
    space_scattered_rw: 1n,
    // device interrupts (asm/irq.asm), a self-IPI standing in for a device's MSI
    irq_vector: 1n,
    irq_none: 0n,
    irq_bad: MINUS_1,
    irq_enable: 0n,
    irq_enable_bad: MINUS_1,
    irq_wait_vector: 1n,
    irq_wait_early: 1n,
    irq_took: 1n,
    irq_took_again: 0n,
    irq_wait_timeout: 0n,
    irq_disabled_wait: 0n,
    irq_disabled_took: 1n,
    irq_kick: 1n,
    irq_route_bad: MINUS_1,
    irq_msi: 0xfee00000n, // the BSP's APIC id is 0
  };
  for (const [key, value] of Object.entries(expected)) expect(big(r[key]), key).toBe(value);
  // 3 pages round up to a 4-page block, aligned to its 16 KiB size
  expect(big(r.page) % 16384n).toBe(0n);
  expect(big(r.page)).toBeGreaterThan(0n);
  expect(run.verdict).toBe('pass');
  expect(run.exitCode).toBe(0);
});

test('toro_panic prints its message escaped and exits with code 72', async () => {
  const run = await bootSelftest(image(), { test: 'panic', cpus: 1 });
  expect(run.lines).toContain('toro: panic deliberate \\"test\\"');
  expect(run.lines.at(-1)).toBe('toro: exit 72');
  expect(run.exitCode).toBe(72);
});
