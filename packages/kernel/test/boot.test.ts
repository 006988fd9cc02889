/**
 * Boots the kernel in QEMU (TCG) on the machines Toro targets and checks the banner against what QEMU
 * was told: memory size (-m), CPU count (-smp), command line (-append), and the exit code plumbing
 * (isa-debug-exit status = (code << 1) | 1; with no such device, ACPI S5 makes QEMU exit with 0).
 *
 * The kernel is built with `nasm -f bin` and the toolchain's ELF writer (see helpers/build-kernel.ts).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readPvhEntry } from '../../toolchain/src/image/elf-read.js';
import { kernelVersion, parseBanner } from '../src/index.js';
import { buildKernel } from './helpers/build-kernel.js';
import { bootQemu, guestExitCode, type QemuBoot, type QemuResult } from './helpers/qemu.js';

let dir: string;
let kernel: string;
let pvhEntry: bigint;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-boot-'));
  const built = await buildKernel();
  kernel = join(dir, 'toro.elf');
  pvhEntry = built.pvhEntry;
  await writeFile(kernel, built.elf);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function boot(opts: Omit<QemuBoot, 'kernel'>): Promise<QemuResult> {
  const result = await bootQemu({ kernel, ...opts });
  if (result.timedOut)
    throw new Error(`QEMU timed out: ${result.args.join(' ')}\n${result.stdout}${result.stderr}`);
  return result;
}

function mebibytes(size: string): number {
  const m = /^(\d+)([MG])$/.exec(size);
  if (!m) throw new Error(`unexpected -m ${size}`);
  return Number(m[1]) * (m[2] === 'G' ? 1024 : 1);
}

test('the image the tests boot carries the PVH entry of pvh_entry', async () => {
  expect(readPvhEntry(new Uint8Array(await readFile(kernel)))).toBe(pvhEntry);
});

describe.each([
  { machine: 'microvm', memory: '16M', smp: 1, code: 3, source: 'madt' },
  { machine: 'microvm', memory: '2G', smp: 4, code: 0, source: 'madt' },
  { machine: 'q35', memory: '64M', smp: 1, code: 7, source: 'madt' },
  { machine: 'q35', memory: '512M', smp: 4, code: 1, source: 'madt' },
  { machine: 'microvm,acpi=off', memory: '64M', smp: 4, code: 42, source: 'fw_cfg' },
])('$machine -m $memory -smp $smp', ({ machine, memory, smp, code, source }) => {
  let result: QemuResult;
  beforeAll(async () => {
    result = await boot({ machine, memory, smp, append: `console=none exit=${code}` });
  });

  test('prints the banner and exits through isa-debug-exit with the code from the command line', () => {
    const banner = parseBanner(result.stdout);
    expect(banner.errors).toEqual([]);
    expect(banner.version).toBe(kernelVersion);
    expect(banner.cmdline).toBe(`console=none exit=${code}`);
    expect(banner.exit).toBe(code);
    expect(result.status).not.toBeNull();
    expect(guestExitCode(result.status!)).toBe(code);
  });

  test('reports the memory QEMU was given', () => {
    const banner = parseBanner(result.stdout);
    const usable = banner.memmap.filter((e) => e.type === 'usable');
    const sumKiB = usable.reduce((sum, e) => sum + Number(e.end - e.start), 0) / 1024;
    expect(banner.usableKiB).toBe(Math.floor(sumKiB));
    // All of -m is RAM; the firmware keeps the legacy hole below 1 MiB (384 KiB) and at most a few
    // hundred KiB of its own, so usable memory is -m less well under 2 MiB.
    const given = mebibytes(memory) * 1024;
    expect(banner.usableKiB!).toBeLessThanOrEqual(given);
    expect(banner.usableKiB!).toBeGreaterThan(given - 2048);
    // The kernel itself sits at 1 MiB, which must be inside usable RAM.
    expect(usable.some((e) => e.start <= 0x100000n && e.end > 0x100000n)).toBe(true);
    for (const e of banner.memmap) expect(e.end).toBeGreaterThan(e.start);
  });

  test('reports the CPUs QEMU was given', () => {
    const banner = parseBanner(result.stdout);
    expect(banner.cpus).toBe(smp);
    expect(banner.cpuSource).toBe(source);
  });
});

describe.each(['microvm', 'q35'])('ACPI power-off on %s (no isa-debug-exit device)', (machine) => {
  test('the kernel reaches S5 and QEMU exits with status 0', async () => {
    const result = await boot({ machine, memory: '64M', smp: 2, append: 'exit=5', debugExit: false });
    const banner = parseBanner(result.stdout);
    expect(banner.exit).toBe(5);
    expect(banner.errors).toEqual([]);
    expect(result.status).toBe(0);
  });
});

test('a command line with quotes, backslashes and no exit= word is printed escaped, exit code 0', async () => {
  const append = 'say="hi \\ there" exit=x9 exit=';
  const result = await boot({ machine: 'microvm', memory: '64M', smp: 1, append });
  expect(result.stdout).toContain('toro: cmdline "say=\\"hi \\\\ there\\" exit=x9 exit="');
  const banner = parseBanner(result.stdout);
  expect(banner.cmdline).toBe(append);
  expect(banner.exit).toBe(0);
  expect(guestExitCode(result.status!)).toBe(0);
});

test('a start info with the wrong magic is refused with exit code 2', async () => {
  // The kernel is rebuilt to expect another magic: a real PVH loader always passes the right one.
  const wrong = await buildKernel({ EXPECTED_START_MAGIC: '0x12345678' });
  const path = join(dir, 'wrong-magic.elf');
  await writeFile(path, wrong.elf);
  const result = await bootQemu({
    kernel: path,
    machine: 'microvm',
    memory: '64M',
    smp: 1,
    append: 'exit=9',
  });
  const banner = parseBanner(result.stdout);
  expect(banner.errors).toEqual(['bad hvm_start_info magic 0x00000000336ec578']);
  expect(banner.cmdline).toBeUndefined();
  expect(banner.exit).toBe(2);
  expect(guestExitCode(result.status!)).toBe(2);
});

test('a CPU without NX still boots: EFER.NXE is only set when CPUID reports NX', async () => {
  const result = await boot({
    machine: 'microvm',
    cpu: 'qemu64,-nx',
    memory: '64M',
    smp: 1,
    append: 'exit=6',
  });
  expect(parseBanner(result.stdout).exit).toBe(6);
  expect(guestExitCode(result.status!)).toBe(6);
});

test('a CPU without long mode stops before any output with exit code 2', async () => {
  const result = await boot({ machine: 'microvm', cpu: 'qemu32', memory: '64M', smp: 1, append: 'exit=6' });
  expect(result.stdout).not.toContain('toro:');
  expect(guestExitCode(result.status!)).toBe(2);
});
