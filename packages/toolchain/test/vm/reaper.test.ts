/**
 * No QEMU outlives the runner: a separate Node process (using the compiled runner) starts a guest with no
 * timeout and then exits, is sent SIGTERM, or crashes; the guest's QEMU must be gone afterwards.
 */

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/vm/testing.js';
import { buildEnvGuest } from './helpers.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
let dir: string;
let image: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toro-vm-reaper-'));
  image = await buildEnvGuest(dir, { HANG: true });
  // Node 20 cannot import .ts: compile the runner and what it imports (without type-checking; tsc -p covers
  // that) for the child.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const flags = ['--outDir', join(dir, 'out'), '--rootDir', SRC, '--module', 'nodenext'];
  flags.push(
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--types',
    'node',
    '--skipLibCheck',
    '--noCheck',
  );
  await promisify(execFile)(process.execPath, [tsc, ...flags, join(SRC, 'vm', 'index.ts')], {
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(
    join(dir, 'child.mjs'),
    `import { startGuest } from './out/vm/index.js';
const guest = await startGuest({ image: process.argv[2], accel: 'tcg', timeoutMs: 0 });
await guest.waitForLine(/hanging/, 20000);
console.log('QEMU_PID ' + guest.pid);
if (process.argv[3] === 'exit') process.exit(0);
if (process.argv[3] === 'crash') throw new Error('crash on purpose');
setInterval(() => {}, 1000);
`,
  );
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs child.mjs in `mode`; resolves with QEMU's PID once the child has died. */
function runChild(mode: 'exit' | 'crash' | 'sigterm' | 'sighup'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'child.mjs'), image, mode], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let qemuPid = -1;
    let aliveBeforeSignal = true;
    let out = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /QEMU_PID (\d+)/.exec(out);
      if (m && qemuPid < 0) {
        qemuPid = Number(m[1]);
        // The child only printed the PID after the guest's "hanging" line, so QEMU was running then. In the
        // signal modes the child waits for us, so QEMU must still be running now.
        if (mode === 'sigterm' || mode === 'sighup') {
          aliveBeforeSignal = isProcessAlive(qemuPid);
          child.kill(mode === 'sigterm' ? 'SIGTERM' : 'SIGHUP');
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', () => {
      clearTimeout(limit);
      if (qemuPid < 0) reject(new Error(`child never reported a QEMU PID:\n${out}`));
      else if (!aliveBeforeSignal) reject(new Error(`QEMU ${qemuPid} died before the child was signalled`));
      else resolve(qemuPid);
    });
  });
}

async function expectGone(pid: number): Promise<void> {
  try {
    // The SIGKILL is sent synchronously before the runner dies; allow the kernel a moment to tear QEMU down.
    for (let i = 0; i < 50 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isProcessAlive(pid)).toBe(false);
  } finally {
    if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

describe('guest cleanup when the runner process ends', () => {
  it.each(['exit', 'crash', 'sigterm', 'sighup'] as const)(
    'kills QEMU when the runner ends by %s',
    async (mode) => {
      await expectGone(await runChild(mode));
    },
  );
});
