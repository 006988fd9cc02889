/**
 * The self-test image (-DSELFTEST, which adds asm/selftest.asm and the st_*.asm tests to the kernel) is
 * assembled byte for byte the same by Toro's assembler and linker as by `nasm -f bin`, like the plain
 * kernel in toolchain-build.test.ts.
 */
import { expect, test } from 'vitest';
import { buildBootImage } from '../../toolchain/src/build/index.js';
import { kernelBuildInput } from '../src/index.js';
import { buildKernel } from './helpers/build-kernel.js';

test('the SELFTEST build equals nasm -f bin -DSELFTEST, section by section and label by label', async () => {
  const defines = { SELFTEST: '1' };
  const [toro, nasm] = await Promise.all([
    buildBootImage({ kernel: kernelBuildInput, defines }),
    buildKernel(defines),
  ]);
  const shape = (sections: { name: string; address: bigint; bytes: Uint8Array }[]) =>
    sections.map((s) => ({ name: s.name, address: s.address, bytes: Buffer.from(s.bytes).toString('hex') }));
  expect(shape(toro.image.sections)).toEqual(shape(nasm.image.sections));
  const addresses = new Map(toro.image.symbols.map((s) => [s.name, s.address]));
  const labels = nasm.image.symbols.filter((s) => s.name.startsWith('st_') || s.name.startsWith('sched_'));
  expect(labels.length).toBeGreaterThan(20);
  for (const label of nasm.image.symbols) expect(addresses.get(label.name), label.name).toBe(label.address);
});
