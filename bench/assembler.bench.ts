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
import { encode } from '../packages/toolchain/src/x86/index.js';
import type { Bits } from '../packages/toolchain/src/x86/operand.js';
import { type CorpusLine, corpus } from '../packages/toolchain/test/x86/corpus.js';
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

/** The NASM-verified golden corpus (every table form, per mode), as source text per mode. */
function goldenChunks(): { bits: string; source: string; count: number }[] {
  const text = readFileSync(
    new URL('../packages/toolchain/test/x86/encodings.test.txt', import.meta.url),
    'utf8',
  );
  const out: { bits: string; source: string; count: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^bits (\d+)/.exec(line);
    if (m) out.push({ bits: m[1], source: '', count: 0 });
    if (out.length === 0) continue;
    const chunk = out[out.length - 1];
    chunk.source += `${line}\n`;
    if (/^\s*[a-z]/.test(line) && !/^(bits|lbl:)/.test(line)) chunk.count++;
  }
  return out;
}

it('measures assembler throughput and kernel assembly time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toro-bench-asm-'));
  try {
    const rows: (string | number)[][] = [];
    // 1. Source text through the whole assembler, beside nasm on the same file.
    for (const { bits, source, count } of goldenChunks()) {
      const file = join(dir, `golden${bits}.asm`);
      writeFileSync(file, source);
      let size = 0;
      const ours = timeIt(() => {
        const r = assembleToBin(source, { file });
        expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        size = r.bytes.length;
      });
      const theirs = nasmMs(file, dir);
      rows.push([
        `text, bits ${bits}`,
        count,
        size,
        ours,
        Math.round((count / ours) * 1000),
        theirs,
        ours / theirs,
      ]);
    }
    // 2. The encoder API alone (what the compiler's back end calls), on the full generated corpus.
    for (const bits of [16, 32, 64] as Bits[]) {
      // Short branches in the corpus aim at labels placed for NASM's layout; laid end to end here a few
      // fall out of reach, so those (and only those) are left out of the timing.
      const lines: Extract<CorpusLine, { ins: unknown }>[] = [];
      let at = 0;
      for (const l of corpus(bits)) {
        if (!('ins' in l)) continue;
        try {
          at += encode(l.ins, { bits, here: { addend: BigInt(at), base: '.text', known: true } }).bytes
            .length;
          lines.push(l);
        } catch {
          // out-of-reach short branch
        }
      }
      let size = 0;
      const ours = timeIt(() => {
        size = 0;
        for (const l of lines)
          size += encode(l.ins, { bits, here: { addend: 0n, base: '.text', known: true } }).bytes.length;
      });
      rows.push([
        `encode() API, bits ${bits}`,
        lines.length,
        size,
        ours,
        Math.round((lines.length / ours) * 1000),
        '',
        '',
      ]);
    }
    // 3. The kernel.
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
        `Median of ${RUNS} runs in one Node process (warm JIT after the first run). "text" rows run ` +
        'assembleToBin (preprocess, parse, multi-pass sizing, encode, link, flat bytes) on the NASM-verified ' +
        'golden corpus; "encode() API" rows call the encoder directly on the full generated corpus, as the ' +
        'compiler\'s back end does. "nasm" is a whole `nasm -f bin` process on the same file, start-up included.',
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
