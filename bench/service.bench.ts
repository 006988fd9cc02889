/**
 * A compiled service in the image: the compute template (plain TypeScript, no SDK) compiled with
 * --target toro and linked with the kernel. Reports its compile and link time, the image size, and how
 * long a boot takes to the kernel's "CPUs online" line, to the service's first line of output (main has
 * started) and to the VM's exit, on microvm with 1 and 4 CPUs, beside the bare kernel. TCG, as everywhere here.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { kernelBuildInput } from '../packages/kernel/src/index.js';
import { buildBootImage } from '../packages/toolchain/src/build/index.js';
import { compileService } from '../packages/toolchain/src/compiler/index.js';
import { startGuest } from '../packages/toolchain/src/vm/index.js';
import { median, writeResults } from './lib/results.js';

const RUNS = 7;
const ONLINE = /^toro: \d+ CPUs online in \d+ nodes/;
const FIRST_OUTPUT = /^Hello from bench!$/;

/** Median ms from spawning QEMU to "CPUs online", to the service's first line, and to QEMU's exit. */
async function sample(image: string, cpus: number, service: boolean) {
  const online: number[] = [];
  const main: number[] = [];
  const exit: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const guest = await startGuest({
      image,
      machine: 'microvm',
      cpus,
      memory: '128M',
      accel: 'tcg',
      timeoutMs: 60_000,
    });
    guest.serial.on('line', (line: string, ms: number) => {
      if (ONLINE.test(line)) online.push(ms);
      if (FIRST_OUTPUT.test(line)) main.push(ms);
    });
    const done = await guest.exited;
    expect(done.code).toBe(0);
    exit.push(done.durationMs);
  }
  expect(main.length).toBe(service ? RUNS : 0);
  const med = (xs: number[]) => (xs.length ? median(xs) : Number.NaN);
  return { online: med(online), main: med(main), exit: med(exit) };
}

it('measures the compute template as a unikernel: size, compile time, boot to main', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toro-bench-service-'));
  try {
    const source = readFileSync(new URL('../templates/compute/src/main.ts', import.meta.url), 'utf8');
    const entry = join(dir, 'main.ts');
    writeFileSync(entry, source.replaceAll('{{name}}', 'bench'));

    compileService(entry, 'toro'); // warm: the runtime's own compilation is cached per process
    const t0 = performance.now();
    const service = compileService(entry, 'toro');
    const t1 = performance.now();
    const built = await buildBootImage({ kernel: kernelBuildInput, service });
    const t2 = performance.now();
    const image = join(dir, 'service.elf');
    writeFileSync(image, built.elf);
    const bare = join(dir, 'kernel.elf');
    writeFileSync(bare, (await buildBootImage({ kernel: kernelBuildInput })).elf);

    const rows: (string | number)[][] = [];
    for (const cpus of [1, 4]) {
      const k = await sample(bare, cpus, false);
      const s = await sample(image, cpus, true);
      rows.push([cpus, k.online, k.exit, s.online, s.main, s.exit, s.main - s.online]);
    }
    const size = (s: string) => built.sections.find((x) => x.name === s)?.size ?? 0;
    const path = writeResults({
      name: 'service',
      title: 'A compiled service in the image (compute template, QEMU TCG, microvm)',
      method:
        `Median of ${RUNS} boots each, 128 MiB. Times are from spawning qemu-system-x86_64 to the kernel's ` +
        '"N CPUs online" line, to the service\'s first line of output ("Hello from bench!", printed first ' +
        'thing in main), and to QEMU exiting after the service returns. The bare kernel (no service) powers ' +
        'off right after "CPUs online". The service counts words, sieves the primes below 100,000 and ' +
        'totals JSON orders before it exits.',
      columns: [
        'CPUs',
        'kernel: online (ms)',
        'kernel: exit (ms)',
        'service: online (ms)',
        'service: main (ms)',
        'service: exit (ms)',
        'online → main (ms)',
      ],
      rows,
      notes: [
        `Image: ${statSync(image).size.toLocaleString('en-US')} bytes on disk (ELF with symbols); loaded: .text ` +
          `${size('.text')} B, .rodata ${size('.rodata')} B, .data ${size('.data')} B, .bss ${size('.bss')} B ` +
          `(the bare kernel: ${statSync(bare).size.toLocaleString('en-US')} bytes on disk).`,
        `Compile (TypeScript → objects, runtime cached): ${(t1 - t0).toFixed(0)} ms; assemble the kernel, link ` +
          `and write the image: ${(t2 - t1).toFixed(0)} ms.`,
      ],
    });
    console.log(readFileSync(path, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
