/**
 * The BIOS boot path (boot/mbr.asm, boot/bios_loader.asm): its code is what NASM makes of the same
 * sources, and a disk the toolchain writes boots the kernel under SeaBIOS on q35 — memory map from E820,
 * the recorded command line, every CPU, the exit code — or says why it cannot.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assembleFile } from '../../toolchain/src/build/assemble-file.js';
import { linkObjects } from '../../toolchain/src/build/link-objects.js';
import { flattenDisk, readDiskKernel, writeDiskImage } from '../../toolchain/src/disk/disk-image.js';
import { writeDiskFile } from '../../toolchain/src/disk/write-file.js';
import { writeBin } from '../../toolchain/src/image/bin.js';
import { writeElf } from '../../toolchain/src/image/elf.js';
import { nasmBin } from '../../toolchain/test/image/nasm-image.js';
import { asmDir, biosBootInput, bootDir, bootSources, parseBanner } from '../src/index.js';
import { buildKernelWithToro } from './helpers/build-kernel.js';
import { bootQemu, guestExitCode } from './helpers/qemu.js';

let dir: string;
let elf: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-disk-'));
  elf = (await buildKernelWithToro()).elf;
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function writeDisk(name: string, kernel: Uint8Array, cmdline: string): Promise<string> {
  const file = join(dir, name);
  writeDiskFile(file, writeDiskImage({ elf: kernel, boot: biosBootInput, cmdline }));
  return file;
}

test('the package lists every boot source', () => {
  expect([...bootSources].sort()).toEqual(
    readdirSync(bootDir)
      .filter((f) => f.endsWith('.asm'))
      .sort(),
  );
});

test.each(['mbr.asm', 'bios_loader.asm'])('%s assembles to what nasm -f bin makes of it', async (file) => {
  const path = join(bootDir, file);
  const { object } = assembleFile(path, { includePaths: [...biosBootInput.includePaths] });
  const ours = writeBin(linkObjects([object]));
  const nasm = await nasmBin(path, { includeDir: bootDir, includeDirs: [asmDir] });
  expect(Buffer.from(ours).equals(Buffer.from(nasm.bin))).toBe(true);
});

test('refuses a command line the loader cannot hold, before writing anything', () => {
  expect(() => writeDiskImage({ elf, boot: biosBootInput, cmdline: 'x'.repeat(2048) })).toThrow(
    /2048 bytes; a disk image takes at most 2047/,
  );
  expect(() => writeDiskImage({ elf, boot: biosBootInput, cmdline: 'a\0b' })).toThrow(/without NUL/);
});

test('the disk carries the kernel ELF unchanged', () => {
  const disk = flattenDisk(writeDiskImage({ elf, boot: biosBootInput, cmdline: '' }));
  expect(Buffer.from(readDiskKernel(disk)).equals(Buffer.from(elf))).toBe(true);
});

describe.each([
  { smp: 1, memory: '32M', code: 3 },
  { smp: 4, memory: '512M', code: 9 },
])('booted by SeaBIOS from disk, -smp $smp -m $memory', ({ smp, memory, code }) => {
  test('the kernel sees the E820 map, the recorded command line and every CPU', async () => {
    const disk = await writeDisk(`k${smp}.img`, elf, `console=none exit=${code}`);
    const result = await bootQemu({
      kernel: disk,
      disk: true,
      machine: 'q35',
      memory,
      smp,
      timeoutMs: 30_000,
    });
    expect(result.stdout).toContain('toro-boot: BIOS, loading the kernel from disk');
    const banner = parseBanner(result.stdout);
    expect(banner.errors).toEqual([]);
    expect(banner.cmdline).toBe(`console=none exit=${code}`);
    expect(banner.cpus).toBe(smp);
    // E820 as SeaBIOS gives it: low memory below the EBDA, then RAM from 1 MiB to near the top.
    expect(banner.memmap[0]).toMatchObject({ start: 0n, type: 'usable' });
    const high = banner.memmap.find((e) => e.start === 0x100000n);
    expect(high?.type).toBe('usable');
    expect(Number(high?.end ?? 0n)).toBeGreaterThan(Number.parseInt(memory, 10) * 2 ** 20 - 2 ** 20);
    expect(banner.exit).toBe(code);
    expect(guestExitCode(result.status!)).toBe(code);
  });
});

test('a machine without the memory the kernel needs is told so, and the boot stops', async () => {
  // A kernel that is one hlt, with 64 MiB of .bss: more than a 32 MiB machine has above 1 MiB.
  const big = writeElf(
    {
      sections: [
        {
          name: '.text',
          address: 0x100000n,
          loadAddress: 0x100000n,
          bytes: new Uint8Array([0xf4]),
          size: 1,
          nobits: false,
          flags: { write: false, exec: true },
        },
        {
          name: '.bss',
          address: 0x200000n,
          loadAddress: 0x200000n,
          bytes: new Uint8Array(0),
          size: 64 * 2 ** 20,
          nobits: true,
          flags: { write: true, exec: false },
        },
      ],
      symbols: [],
    },
    { entry: 0x100000n, pvhEntry: 0x100000n },
  );
  const disk = await writeDisk('big.img', big, '');
  const result = await bootQemu({ kernel: disk, disk: true, machine: 'q35', memory: '32M', smp: 1 });
  expect(result.stdout).toContain('toro-boot: error: no memory range holds the kernel');
  expect(guestExitCode(result.status!)).toBe(1);
});
