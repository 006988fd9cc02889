/**
 * Test helper: runs the real `nasm -f bin` (bounded by a timeout, in a temp dir that is removed) so our
 * assembler's output can be compared with it byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NasmResult {
  ok: boolean;
  bytes: Uint8Array;
  stderr: string;
}

const TIMEOUT_MS = 20_000;

/** Assembles `file` (a path) with nasm, working directory `cwd`. */
export function nasmFile(file: string, cwd: string, args: string[] = []): NasmResult {
  const dir = mkdtempSync(join(tmpdir(), 'toro-nasm-'));
  try {
    const out = join(dir, 'out.bin');
    const r = spawnSync('nasm', ['-f', 'bin', ...args, file, '-o', out], {
      cwd,
      timeout: TIMEOUT_MS,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.error) throw r.error;
    const ok = r.status === 0;
    return { ok, bytes: ok ? new Uint8Array(readFileSync(out)) : new Uint8Array(0), stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles source text with nasm (written to a temp file). */
export function nasmSource(source: string, args: string[] = []): NasmResult {
  const dir = mkdtempSync(join(tmpdir(), 'toro-nasm-src-'));
  try {
    const file = join(dir, 'in.asm');
    writeFileSync(file, source);
    return nasmFile(file, dir, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
