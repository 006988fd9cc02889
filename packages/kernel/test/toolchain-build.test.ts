/**
 * The kernel built by Toro's own assembler and linker: identical to what `nasm -f bin` makes of the
 * same sources (every section's bytes and placement, every label's address), and it boots.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { asmDir, entryFile, parseBanner, sources } from '../src/index.js';
import { type BuiltKernel, buildKernel, buildKernelWithToro } from './helpers/build-kernel.js';
import { bootQemu, guestExitCode } from './helpers/qemu.js';

let dir: string;
let toro: BuiltKernel;
let nasm: BuiltKernel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-kbuild-'));
  [toro, nasm] = await Promise.all([buildKernelWithToro(), buildKernel()]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the package lists every kernel source, entry file first (builds rely on the list)', () => {
  const onDisk = readdirSync(asmDir).filter((f) => f.endsWith('.asm'));
  expect([...sources].sort()).toEqual(onDisk.sort());
  expect(sources[0]).toBe(entryFile);
});

test('sections match nasm -f bin byte for byte, at the same addresses', () => {
  const shape = (k: BuiltKernel) =>
    k.image.sections.map((s) => ({ ...s, bytes: Buffer.from(s.bytes).toString('hex') }));
  expect(shape(toro)).toEqual(shape(nasm));
});

test("every label nasm's map lists has the same address in Toro's link", () => {
  const addresses = new Map(toro.image.symbols.map((s) => [s.name, s]));
  for (const label of nasm.image.symbols) {
    expect(addresses.get(label.name), label.name).toMatchObject({
      address: label.address,
      section: label.section,
    });
  }
});

test.each(['microvm', 'q35'])('the Toro-built image boots on %s', async (machine) => {
  const kernel = join(dir, `toro-${machine}.elf`);
  await writeFile(kernel, toro.elf);
  const result = await bootQemu({ kernel, machine, memory: '64M', smp: 2, append: 'exit=11' });
  const banner = parseBanner(result.stdout);
  expect(banner.errors).toEqual([]);
  expect(banner.cpus).toBe(2);
  expect(banner.exit).toBe(11);
  expect(guestExitCode(result.status!)).toBe(11);
});
