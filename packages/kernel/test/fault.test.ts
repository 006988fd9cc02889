/**
 * Faults are reported, never silent: the self-test image (-DSELFTEST) raises a page fault, a division by
 * zero, an invalid opcode, a stack overflow, a write to .text or .rodata, a call into .data, or a fault
 * on CPU 1 on request (`fault=<kind>`, asm/faulttest.asm), and
 * `toro run` must print the kernel's fault block, exit with the kernel's fault exit code (70), and
 * symbolize the block: the RIP is the faulting instruction's own label in the image's symbol table,
 * the backtrace follows the frame pointers back through fault_selftest to kmain.
 *
 * Runs the built CLI (packages/cli/bin/run.js, as `pnpm test` builds it) like a user would; `toro run
 * --timeout` bounds QEMU and the spawn's own timeout bounds the CLI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResult } from '../../cli/src/commands/run.js';
import { runToro, type ToroRun } from '../../cli/test/run-toro.js';
import { type BuiltKernel, buildKernel } from './helpers/build-kernel.js';

const EXIT_FAULT = 70;

/** What `toro run --json` prints (the CLI's own result type), with the serial lines it collected. */
type RunJson = RunResult & { serial: string[] };

let dir: string;
let image: string;
let built: BuiltKernel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-fault-'));
  built = await buildKernel({ SELFTEST: '1' });
  image = join(dir, 'selftest.elf');
  await writeFile(image, built.elf);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function toroRun(args: string[]): ToroRun {
  return runToro(['run', image, '--accel', 'tcg', '--timeout', '60', ...args], { timeoutMs: 90_000 });
}

function address(symbol: string): bigint {
  const s = built.image.symbols.find((x) => x.name === symbol);
  if (!s) throw new Error(`the self-test image has no symbol ${symbol}`);
  return s.address;
}

function runFault(kind: string, cpus = 2): RunJson {
  const r = toroRun(['--cpus', String(cpus), '--append', `fault=${kind}`, '--json']);
  expect(r.status, r.stderr).toBe(EXIT_FAULT);
  return JSON.parse(r.stdout) as RunJson;
}

describe.each([
  { kind: 'pf', vector: 14, name: '#PF', expected: 'page-fault', at: 'fault_test_pf.fault' },
  { kind: 'de', vector: 0, name: '#DE', expected: 'divide-error', at: 'fault_test_de.fault' },
  { kind: 'ud', vector: 6, name: '#UD', expected: 'invalid-opcode', at: 'fault_test_ud.fault' },
])('fault=$kind', ({ kind, vector, name, expected, at }) => {
  let run: RunJson;
  beforeAll(() => {
    run = runFault(kind);
  });

  test('the kernel prints one fault block and exits with 70', () => {
    expect(run.exitCode).toBe(EXIT_FAULT);
    expect(run.serial.filter((l) => l === 'toro: fault begin')).toHaveLength(1);
    expect(run.serial).toContain('toro: fault end');
    expect(run.serial).toContain(`toro: exit ${EXIT_FAULT}`);
  });

  test('RIP is the faulting instruction, and toro run names it', () => {
    const [fault] = run.faults ?? [];
    expect(fault).toMatchObject({ kind: expected, name, vector, cpu: 0 });
    expect(BigInt(fault!.registers.rip!)).toBe(address(at));
    expect(fault!.frames[0]).toEqual({ address: `0x${address(at).toString(16)}`, location: at });
    if (kind === 'pf') expect(BigInt(fault!.registers.cr2!)).toBe(0x10n);
  });

  test('the backtrace runs through fault_selftest back to kmain', () => {
    const locations = (run.faults?.[0]?.frames ?? []).map((f) => f.location ?? '??');
    expect(locations).toHaveLength(3);
    expect(locations[1]).toMatch(/^fault_selftest\+0x[0-9a-f]+$/);
    expect(locations[2]).toMatch(/^kmain\+0x[0-9a-f]+$/);
  });
});

test('a stack overflow hits the guard page and is reported as one, with the recursion in the backtrace', () => {
  const run = runFault('stack');
  const fault = run.faults?.[0];
  expect(fault).toMatchObject({ kind: 'stack-overflow', name: '#PF', vector: 14, cpu: 0 });
  // The BSP's kernel stack sits right above the guard page at the start of its CPU area.
  const guard = address('cpu0_area');
  const cr2 = BigInt(fault!.registers.cr2!);
  expect(cr2 >= guard && cr2 < guard + 4096n).toBe(true);
  const rip = BigInt(fault!.registers.rip!);
  expect(rip >= address('fault_test_stack') && rip < address('fault_test_stack') + 32n).toBe(true);
  const locations = fault!.frames.map((f) => f.location ?? '??');
  expect(locations.length).toBe(32); // the report's bound on frames
  for (const l of locations) expect(l).toMatch(/^fault_test_stack\+0x[0-9a-f]+$/);
});

describe('memory protection', () => {
  test('.text is read-only: a write to it faults (present, write)', () => {
    const fault = runFault('wtext', 1).faults?.[0];
    expect(fault).toMatchObject({ kind: 'page-fault', error: '0x3' });
    expect(fault!.frames[0]!.location).toBe('fault_test_wtext.fault');
    expect(BigInt(fault!.registers.cr2!)).toBe(address('fault_test_pf'));
  });

  test('.rodata is read-only: a write to it faults (present, write)', () => {
    const fault = runFault('wro', 1).faults?.[0];
    expect(fault).toMatchObject({ kind: 'page-fault', error: '0x3' });
    expect(fault!.frames[0]!.location).toBe('fault_test_wro.fault');
    expect(BigInt(fault!.registers.cr2!)).toBe(address('key_fault'));
  });

  test('.data is no-execute: a call into it faults on the fetch (present, instruction fetch)', () => {
    const fault = runFault('nx', 1).faults?.[0];
    expect(fault).toMatchObject({ kind: 'page-fault', error: '0x11' });
    expect(BigInt(fault!.registers.rip!)).toBe(address('fault_nx_target'));
    expect(BigInt(fault!.registers.cr2!)).toBe(address('fault_nx_target'));
  });
});

test('a fault on an AP is reported as that CPU, and stops the others', () => {
  const run = runFault('ap');
  const fault = run.faults?.[0];
  expect(fault).toMatchObject({ kind: 'page-fault', name: '#PF', vector: 14, cpu: 1 });
  expect(fault!.frames[0]!.location).toBe('fault_test_ap.fault');
  // The BSP was sleeping in fault_on_ap; stopped by the report, it printed nothing after the block.
  const end = run.serial.indexOf('toro: fault end');
  expect(run.serial.slice(end + 1).filter((l) => l.startsWith('toro: '))).toEqual([
    `toro: exit ${EXIT_FAULT}`,
  ]);
});

test('toro run prints the symbolized backtrace under the raw block', () => {
  const r = toroRun(['--append', 'fault=pf']);
  expect(r.status).toBe(EXIT_FAULT);
  const lines = r.stdout.split('\n');
  const end = lines.indexOf('toro: fault end');
  expect(end).toBeGreaterThan(0);
  expect(lines[end + 1]).toBe('toro run: page-fault (#PF, vector 14) at fault_test_pf.fault on CPU 0');
  expect(lines[end + 2]).toBe('toro run:   address 0x10');
  expect(lines[end + 3]).toBe(
    `toro run:   #0 0x${address('fault_test_pf.fault').toString(16).padStart(16, '0')} fault_test_pf.fault`,
  );
  expect(lines[end + 4]).toMatch(/^toro run: {3}#1 0x[0-9a-f]{16} fault_selftest\+0x[0-9a-f]+$/);
});
