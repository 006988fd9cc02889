/**
 * Boot time: wall time from spawning QEMU to the kernel's first serial line and to its exit, on microvm and
 * q35 with 1 and 4 CPUs, beside QEMU's own floor (a guest that runs one SSE instruction and writes one byte to
 * isa-debug-exit), and the image size. TCG, as everywhere here.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { kernelBuildInput } from '../packages/kernel/src/index.js';
import { buildBootImage } from '../packages/toolchain/src/build/index.js';
import type { Machine } from '../packages/toolchain/src/vm/index.js';
import { startGuest } from '../packages/toolchain/src/vm/index.js';
import { probeImage } from '../packages/toolchain/src/vm/probe-guest.js';
import { median, writeResults } from './lib/results.js';

const RUNS = 7;

const ONLINE = /^toro: \d+ CPUs online in \d+ nodes/;

interface Sample {
  first: number;
  online: number;
  exit: number;
}

/** Median ms from spawn to the first serial line, to "N CPUs online", and to QEMU's exit. */
async function sample(image: string, machine: Machine, cpus: number): Promise<Sample> {
  const firsts: number[] = [];
  const onlines: number[] = [];
  const exits: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const guest = await startGuest({ image, machine, cpus, memory: '128M', accel: 'tcg', timeoutMs: 30_000 });
    guest.serial.on('line', (line: string, ms: number) => {
      if (ONLINE.test(line)) onlines.push(ms);
    });
    const exit = await guest.exited;
    expect(exit.code).toBe(image.endsWith('floor.elf') ? 0x2a : 0);
    if (guest.firstLineMs !== null) firsts.push(guest.firstLineMs);
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

    const rows: (string | number)[][] = [];
    for (const machine of ['microvm', 'q35'] as Machine[]) {
      for (const cpus of [1, 4]) {
        const f = await sample(floor, machine, cpus);
        const k = await sample(kernel, machine, cpus);
        rows.push([machine, cpus, f.exit, k.first, k.online, k.exit, k.online - f.exit]);
      }
    }
    const path = writeResults({
      name: 'boot',
      title: 'Boot time (QEMU TCG)',
      method:
        `Median of ${RUNS} boots each, 128 MiB. Times are from spawning qemu-system-x86_64 to the first complete ` +
        'serial line (the banner), to the kernel\'s "N CPUs online" line, and to QEMU exiting after the kernel ' +
        'powers off. The floor guest runs one SSE instruction and writes one byte to isa-debug-exit; the last ' +
        'column is what bringing every CPU online adds to that floor. TSC calibration is part of the boot.',
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
