/**
 * The stack compiled by Toro's own compiler means what it means on Node: compiled/scenario.ts (DHCP,
 * pings and DNS over an impaired wire against a slirp-like peer; 256 KiB over TCP with loss, reordering
 * and duplication, then close) runs here in-process and as a native executable built by `toro build
 * --target linux`; both must log the same lines, counters included.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scenario } from './compiled/scenario.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TORO = path.join(ROOT, 'packages/cli/bin/run.js');
const MAIN = fileURLToPath(new URL('./compiled/main.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'toro-net-compiled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the network stack compiled by Toro', () => {
  it('logs what it logs on Node: DHCP, ping, DNS, a TCP transfer and every counter', () => {
    const expected: string[] = [];
    scenario((line) => expected.push(line));
    expect(expected.some((l) => l.startsWith('tcp done=true received=262144 inOrder=true'))).toBe(true);

    const app = path.join(dir, 'scenario');
    execFileSync(process.execPath, [TORO, 'build', MAIN, '--target', 'linux', '-o', app], {
      stdio: 'pipe',
      timeout: 120_000,
    });
    const run = spawnSync(app, [], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toEqual(expected);
  }, 180_000);
});
