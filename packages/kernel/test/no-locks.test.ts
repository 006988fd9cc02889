/**
 * The mechanisms (per-CPU memory, message matrix, scheduler, ABI: asm/mem_page.asm through asm/abi.asm,
 * the last files of the plain kernel's .text) contain no lock and no atomic read-modify-write: the
 * assembled bytes, disassembled by objdump, hold no LOCK prefix, no CMPXCHG/XADD, and no XCHG with a
 * memory operand (which the CPU locks implicitly).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { buildBootImage } from '../../toolchain/src/build/index.js';
import { kernelBuildInput } from '../src/index.js';

const run = promisify(execFile);

test('no locked or atomic instruction from page_alloc_order to the end of .text', async () => {
  const built = await buildBootImage({ kernel: kernelBuildInput });
  const text = built.image.sections.find((s) => s.name === '.text');
  const first = built.image.symbols.find((s) => s.name === 'page_alloc_order');
  const last = built.image.symbols.find((s) => s.name === 'toro_panic');
  expect(text && first && last).toBeTruthy();
  if (!text || !first || !last) return;
  const dir = await mkdtemp(join(tmpdir(), 'toro-nolock-'));
  try {
    const bin = join(dir, 'text.bin');
    await writeFile(bin, text.bytes);
    const end = text.address + BigInt(text.bytes.length);
    const { stdout } = await run(
      'objdump',
      [
        '-D',
        '-b',
        'binary',
        '-m',
        'i386:x86-64',
        '-M',
        'intel',
        `--adjust-vma=0x${text.address.toString(16)}`,
        `--start-address=0x${first.address.toString(16)}`,
        `--stop-address=0x${end.toString(16)}`,
        bin,
      ],
      { timeout: 20_000, maxBuffer: 64 << 20 },
    );
    const instructions = stdout.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l));
    // the range really covers the mechanisms, up to and past the last ABI entry point
    expect(instructions.length).toBeGreaterThan(1000);
    expect(last.address).toBeGreaterThan(first.address);
    const atomic = instructions.filter(
      (l) => /\block\b/.test(l) || /\b(cmpxchg\w*|xadd)\b/.test(l) || /\bxchg\b.*PTR/.test(l),
    );
    expect(atomic).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
