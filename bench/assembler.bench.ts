/**
 * Assembler throughput: instructions assembled per second through the whole NASM-syntax front end
 * (preprocess → parse → passes → encode → link → flat bytes), and the time to assemble the kernel —
 * each beside Debian's NASM doing the same job, as a reference point.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expect, it } from 'vitest';
import { asmDir, entryFile } from '../packages/kernel/src/index.js';
import { assembleToBin } from '../packages/toolchain/src/asm/index.js';
import type { Bits } from '../packages/toolchain/src/x86/operand.js';
import { corpus } from '../packages/toolchain/test/x86/corpus.js';
import { median, writeResults } from './lib/results.js';

const RUNS = 5;

function timeIt(fn: () => void, runs = RUNS): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

function nasmMs(file: string, includeDir: string): number {
  const out = join(tmpdir(), `toro-bench-${process.pid}.bin`);
  const ms = timeIt(() => {
    execFileSync('nasm', ['-f', 'bin', '-i', includeDir, file, '-o', out], { timeout: 60_000 });
  });
  rmSync(out, { force: true });
  return ms;
}

it('measures assembler throughput and kernel assembly time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toro-bench-asm-'));
  try {
    const rows: (string | number)[][] = [];
    for (const bits of [16, 32, 64] as Bits[]) {
      const lines = corpus(bits);
      const count = lines.filter((l) => 'ins' in l).length;
      const text = [`bits ${bits}`, ...lines.map((l) => ('ins' in l ? l.text : `${l.label}:`))].join('\n');
      const file = join(dir, `corpus${bits}.asm`);
      writeFileSync(file, text);
      let size = 0;
      const ours = timeIt(() => {
        const r = assembleToBin(text, { file });
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        size = r.bytes.length;
      });
      const theirs = nasmMs(file, dir);
      rows.push([
        `corpus, bits ${bits}`,
        count,
        size,
        ours,
        Math.round((count / ours) * 1000),
        theirs,
        ours / theirs,
      ]);
    }
    const kernelFile = join(asmDir, entryFile);
    const kernelText = readFileSync(kernelFile, 'utf8');
    let kernelSize = 0;
    const kernelOurs = timeIt(() => {
      const r = assembleToBin(kernelText, { file: kernelFile, includePaths: [asmDir] });
      expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      kernelSize = r.bytes.length;
    });
    const kernelNasm = nasmMs(kernelFile, asmDir);
    rows.push([
      'kernel (packages/kernel/asm)',
      '',
      kernelSize,
      kernelOurs,
      '',
      kernelNasm,
      kernelOurs / kernelNasm,
    ]);

    const path = writeResults({
      name: 'assembler',
      title: 'Assembler throughput',
      method:
        `Median of ${RUNS} runs in one Node process (warm JIT after the first run). "Ours" is assembleToBin: ` +
        'preprocess, parse, multi-pass sizing, encode, link, flat bytes. "nasm" is a whole `nasm -f bin` process ' +
        'on the same file, start-up included.',
      columns: [
        'input',
        'instructions',
        'bytes out',
        'ours (ms)',
        'ours (instr/s)',
        'nasm (ms)',
        'ours / nasm',
      ],
      rows,
    });
    console.log(readFileSync(path, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
