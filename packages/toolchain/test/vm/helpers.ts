/**
 * Test-only helpers for the VM runner tests: assemble the NASM test guests with the real nasm (bounded by a
 * timeout, killed by PID) and wrap them into PVH ELFs with the runner's own writer.
 */

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writePvhElf } from '../../src/vm/pvh-elf.js';

const run = promisify(execFile);
export const GUEST_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'guests');

/** nasm -f bin; `defines` become -D flags (a value of true means a bare -DNAME). */
export async function nasmBin(
  source: string,
  outDir: string,
  defines: Record<string, string | number | true> = {},
): Promise<Uint8Array> {
  const out = join(outDir, `guest-${Math.random().toString(36).slice(2)}.bin`);
  const flags = Object.entries(defines).map(([k, v]) => (v === true ? `-D${k}` : `-D${k}=${v}`));
  await run('nasm', ['-f', 'bin', ...flags, '-o', out, source], { timeout: 10_000, killSignal: 'SIGKILL' });
  return readFileSync(out);
}

/** Builds test/vm/guests/env.asm with `defines` into a PVH ELF file in `dir`; returns its path. */
export async function buildEnvGuest(
  dir: string,
  defines: Record<string, string | number | true> = {},
): Promise<string> {
  const code = await nasmBin(join(GUEST_DIR, 'env.asm'), dir, defines);
  const path = join(dir, `env-${Math.random().toString(36).slice(2)}.elf`);
  writeFileSync(path, writePvhElf({ code, loadAddress: 0x100000 }));
  return path;
}

export interface EnvReport {
  cpus: number;
  ramBytes: bigint;
  cmdline: string;
  /** Signatures of the ACPI tables the guest found through the PVH RSDP pointer. */
  acpiTables: string[];
}

/** Parses the env guest's report lines ("cmdline: ...", "cpus 0x...", "ram 0x...", "acpi: ..."). */
export function envReport(lines: readonly string[]): EnvReport {
  const find = (re: RegExp) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return m[1];
    }
    throw new Error(`no line matching ${re} in:\n${lines.join('\n')}`);
  };
  return {
    cpus: Number.parseInt(find(/^cpus 0x([0-9a-f]+)$/), 16),
    ramBytes: BigInt(`0x${find(/^ram 0x([0-9a-f]+)$/)}`),
    cmdline: find(/^cmdline: (.*)$/),
    acpiTables: find(/^acpi:(.*)$/)
      .split(' ')
      .filter((t) => t !== ''),
  };
}
