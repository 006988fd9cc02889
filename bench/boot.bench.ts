/**
 * Boot time: wall time from spawning QEMU to the kernel's banner and to its exit, on microvm and q35 with 1
 * and 4 CPUs, and on q35 from a disk image through SeaBIOS and our loader, beside QEMU's own floor (a guest
 * that runs one SSE instruction and writes one byte to isa-debug-exit), and the image size. TCG, as
 * everywhere here.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { biosBootInput, kernelBuildInput } from '../packages/kernel/src/index.js';
import { buildBootImage } from '../packages/toolchain/src/build/index.js';
import { writeDiskImage } from '../packages/toolchain/src/disk/disk-image.js';
import { writeDiskFile } from '../packages/toolchain/src/disk/write-file.js';
import type { Machine } from '../packages/toolchain/src/vm/index.js';
import { startGuest } from '../packages/toolchain/src/vm/index.js';
import { probeImage } from '../packages/toolchain/src/vm/probe-guest.js';
import { median, writeResults } from './lib/results.js';

const RUNS = 7;

const BANNER = /^toro: kernel /;
const ONLINE = /^toro: \d+ CPUs online in \d+ nodes/;

interface Sample {
  first: number;
  online: number;
  exit: number;
}

/**
 * Median ms from spawn to the first serial line (the floor guest) or the kernel's banner line, to "N CPUs
 * online", and to QEMU's exit.
 */
async function sample(image: string, machine: Machine, cpus: number, disk = false): Promise<Sample> {
  const firsts: number[] = [];
  const onlines: number[] = [];
  const exits: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const guest = await startGuest({
      image,
      bootFrom: disk ? 'disk' : 'kernel',
      machine,
      cpus,
      memory: '128M',
      accel: 'tcg',
      timeoutMs: 30_000,
    });
    const floor = image.endsWith('floor.elf');
    guest.serial.on('line', (line: string, ms: number) => {
      if (ONLINE.test(line)) onlines.push(ms);
      if (!floor && BANNER.test(line)) firsts.push(ms);
    });
    const exit = await guest.exited;
    expect(exit.code).toBe(floor ? 0x2a : 0);
    if (floor && guest.firstLineMs !== null) firsts.push(guest.firstLineMs);
    exits.push(exit.durationMs);
  }
  const med = (xs: number[]) => (xs.length ? median(xs) : Number.NaN);
  return { first: med(firsts), online: med(onlines), exit: med(exits) };
}

it('measures boot time against QEMU’s floor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toro-bench-boot-'));
  try {
    const kernel = join(dir, 'toro.elf');
    const built = await buildBootImage({ kernel: kernelBuildInput });
    writeFileSync(kernel, built.elf);
    const floor = join(dir, 'floor.elf');
    writeFileSync(floor, probeImage());
    const disk = join(dir, 'toro.img');
    writeDiskFile(disk, writeDiskImage({ elf: built.elf, boot: biosBootInput }));

    const rows: (string | number)[][] = [];
    for (const machine of ['microvm', 'q35'] as Machine[]) {
      for (const cpus of [1, 4]) {
        const f = await sample(floor, machine, cpus);
        const k = await sample(kernel, machine, cpus);
        rows.push([machine, cpus, f.exit, k.first, k.online, k.exit, k.online - f.exit]);
        if (machine === 'q35') {
          const d = await sample(disk, machine, cpus, true);
          rows.push(['q35, from disk (BIOS)', cpus, f.exit, d.first, d.online, d.exit, d.online - f.exit]);
        }
      }
    }
    const path = writeResults({
      name: 'boot',
      title: 'Boot time (QEMU TCG)',
      method:
        `Median of ${RUNS} boots each, 128 MiB. Times are from spawning qemu-system-x86_64 to the kernel's ` +
        'banner line, to its "N CPUs online" line, and to QEMU exiting after the kernel powers off. "From ' +
        'disk" boots the same kernel from the disk image `toro build --format disk` writes: SeaBIOS runs ' +
        'mbr.asm, which starts bios_loader.asm, which reads the ELF from the disk and enters the PVH entry. ' +
        'The floor guest runs one SSE instruction and writes one byte to isa-debug-exit (its time is to its ' +
        'exit); the last column is what bringing every CPU online adds to that floor. TSC calibration is ' +
        'part of the boot.',
      columns: [
        'machine',
        'CPUs',
        'floor: exit (ms)',
        'kernel: banner (ms)',
        'kernel: all CPUs online (ms)',
        'kernel: exit (ms)',
        'online − floor (ms)',
      ],
      rows,
      notes: [
        `Kernel image: ${statSync(kernel).size.toLocaleString('en-US')} bytes on disk (ELF with symbols); ` +
          `${built.sections.map((s) => `${s.name} ${s.size} B`).join(', ')}.`,
      ],
    });
    console.log(readFileSync(path, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
