/**
 * The differential suite's subset for --target toro: each program is compiled, linked with the kernel
 * into a PVH image, booted under QEMU (TCG here), and what it writes to the console between the
 * kernel's "CPUs online" line and its "toro: exit N" line must be byte-identical to Node's stdout, with
 * the same exit status (a folder is a program of modules, entered at its main.ts). Chosen to cover the runtime's OS layer: output, the collector's semispaces
 * (kernel page blocks, grown and returned), deep recursion on the service's own stack, exceptions.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, test } from 'vitest';
import { kernelBuildInput } from '../../../kernel/src/index.js';
import { buildBootImage } from '../../src/build/index.js';
import { compileService } from '../../src/compiler/index.js';
import { bootAndCollect } from '../../src/vm/testing.js';
import { buildExecutable, runExecutableAsync, runUnderNodeAsync } from './harness.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const SUBSET = [
  'arithmetic.ts',
  'strings.ts',
  'closures.ts',
  'classes.ts',
  'collections.ts',
  'json.ts',
  'exceptions.ts',
  'number-format.ts',
  'gc-strings.ts',
  'unicode.ts',
  'binary-trees.ts',
  'lru-cache.ts',
  'scheduler.ts',
  'dataview.ts',
  'typed-arrays.ts',
  // A folder of modules (a cycle, evaluation order, a caught TDZ ReferenceError).
  'modules-cycle',
];
const dir = mkdtempSync(path.join(tmpdir(), 'toro-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The service's console output: what follows the kernel's banner, without the kernel's exit line. */
function serviceOutput(lines: readonly string[]): { text: string; exit?: number } {
  const online = lines.findIndex((l) => /^toro: \d+ CPUs online/.test(l));
  const body = lines.slice(online + 1);
  const last = body.length > 0 ? /^toro: exit (\d+)$/.exec(body[body.length - 1]) : null;
  if (last) body.pop();
  return { text: body.map((l) => `${l}\n`).join(''), exit: last ? Number(last[1]) : undefined };
}

/** Builds `program` for --target toro, boots it under TCG, and returns the serial lines and exit. */
async function bootProgram(program: string) {
  const entry = program.endsWith('.ts') ? program : path.join(program, 'main.ts');
  const built = await buildBootImage({ kernel: kernelBuildInput, service: compileService(entry, 'toro') });
  const image = path.join(dir, `${path.basename(program, '.ts')}.elf`);
  writeFileSync(image, built.elf);
  return bootAndCollect({ image, accel: 'tcg', timeoutMs: 150_000 });
}

describe.concurrent('compiled programs behave like Node in a booted Toro VM', () => {
  test('an uncaught error: the CPU, then the stack trace the Linux build prints on stderr, exit 1', {
    timeout: 180_000,
  }, async ({ expect }) => {
    const file = path.join(here, 'fixtures', 'programs', 'uncaught.ts');
    const linux = await runExecutableAsync(buildExecutable(file, dir));
    const run = await bootProgram(file);
    const out = serviceOutput(run.lines);
    expect(linux.stderr).toMatch(/^Error: too big: 4\n {4}at check \(.*uncaught\.ts:3:\d+\)\n/);
    // The VM says which CPU it escaped on first, as `toro dev` does.
    expect(out.text).toBe(`${linux.stdout.toString()}toro: uncaught error on CPU 0:\n${linux.stderr}`);
    expect(out.exit).toBe(1);
    expect(run.exit.code).toBe(1);
  });

  test('running out of memory is a clear fatal error with the heap figures, exit 134', {
    timeout: 180_000,
  }, async ({ expect }) => {
    const built = await buildBootImage({
      kernel: kernelBuildInput,
      service: compileService(path.join(here, 'fixtures', 'gc', 'oom.ts'), 'toro'),
    });
    const image = path.join(dir, 'oom.elf');
    writeFileSync(image, built.elf);
    const run = await bootAndCollect({ image, accel: 'tcg', memory: '64M', timeoutMs: 150_000 });
    const out = serviceOutput(run.lines);
    expect(out.text).toMatch(/^round 0\n/);
    expect(out.text).toMatch(
      /toro: out of GC memory: \d+ bytes wanted; \d+ bytes live after the last collection \(\d+ collections\), heap \d+ bytes\n$/,
    );
    expect(run.exit.code).toBe(134);
  });

  for (const name of SUBSET) {
    test(name, { timeout: 180_000 }, async ({ expect }) => {
      const file = path.join(here, 'fixtures', 'programs', name);
      const nodeRun = runUnderNodeAsync(file, dir);
      const run = await bootProgram(file);
      const node = await nodeRun;
      const out = serviceOutput(run.lines);
      expect(out.text).toBe(node.stdout.toString());
      expect(out.exit).toBe(node.status);
      expect(run.exit.code).toBe(node.status);
    });
  }
});
