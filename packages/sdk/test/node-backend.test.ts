/**
 * The node backend's semantics, through whole programs (programs/*.ts) run the way `toro dev` runs them:
 * one worker thread per CPU. Each run is a child process bounded by a timeout and killed by its PID.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../dist/node/run.js', import.meta.url));
const PROGRAMS = fileURLToPath(new URL('./programs/', import.meta.url));

function run(program: string, cpus: number): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [RUN, '--cpus', String(cpus), `${PROGRAMS}${program}`], {
    encoding: 'utf8',
    timeout: 90_000,
    killSignal: 'SIGKILL',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('channels', () => {
  it('carry 100,000 messages over every pair of 4 CPUs, in order per sender, none lost', () => {
    const r = run('matrix.ts', 4);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const per = Math.floor(100_000 / 16);
    expect(r.stdout.trim().split('\n')).toEqual([
      ...[0, 1, 2, 3].map((cpu) => `CPU ${cpu}: ${[per, per, per, per].join(',')} out-of-order 0`),
      `messages ${per * 16}`,
    ]);
  }, 120_000);

  it('make a fast sender wait for a slow receiver on another CPU (back-pressure)', () => {
    const r = run('backpressure.ts', 2);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`received ${Array.from({ length: 12 }, (_, i) => i).join(',')}`);
    const times = lines[1].replace('send-times ', '').split(',').map(Number);
    // Capacity 3 plus the one the receiver holds: the first sends find room at once...
    expect(times[2]).toBeLessThan(25);
    // ...then every send waits for the receiver's 30 ms pause: 8 more sends take at least 8 pauses.
    expect(times[11] - times[3]).toBeGreaterThanOrEqual(8 * 30 - 10);
  });

  it('drain after close, refuse sends after close, and select takes every message exactly once', () => {
    const r = run('close-select.ts', 4);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'drained abc then {"done":true}',
      'send after close: true',
      'waiting sender: closed',
      'select got 2000 of 2000, duplicates 0',
    ]);
  });
});

describe('CPUs as isolates', () => {
  it('copy arguments and keep module state per CPU; refuse closures and functions with a clear error', () => {
    const r = run('isolation.ts', 2);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'first on CPU 1: counter 1 items 3 tags 1,7',
      'second on CPU 1: counter 2 items 3 tags 1,7',
      'CPU 0 counter 0 items 2 tags 1',
      'x 3 y 4 method undefined',
    ]);
    expect(lines[4]).toBe('bytes back 4,3,2 (true), sent 2,3,4');
    expect(lines[5]).toMatch(/^closure refused: spawnOn\(1, local\): .*must be declared `export function`/);
    expect(lines[6]).toBe(
      'function argument refused: argument[1].get(a) element is a function, and functions cannot be copied to another CPU',
    );
  });
});

describe('stopping', () => {
  it('reports an uncaught error on a worker CPU with its CPU and .ts stack, and exits 1', () => {
    const r = run('crash.ts', 4);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('main: starting\nworker: about to fail\n');
    expect(r.stderr).toContain('toro: uncaught error on CPU 3:\nError: kaboom on purpose\n');
    expect(r.stderr).toMatch(/at explode \(.*programs\/crash\.ts:5:\d+\)/);
    expect(r.stderr).toMatch(/at worker \(.*programs\/crash\.ts:12:\d+\)/);
  });

  it('exit() on a worker CPU stops with its code after every earlier line, whole and in order per CPU', () => {
    for (const cpus of [1, 4]) {
      const r = run('exit-console.ts', cpus);
      expect(r.status).toBe(3);
      const lines = r.stdout.split('\n');
      expect(lines.pop()).toBe('');
      const quitter = cpus > 1 ? 1 : 0;
      // Lines from different CPUs reach the console's owner on different ports, so only each CPU's own
      // order is guaranteed (as with the kernel's per-pair rings): the quitter's exit line is the last
      // of *its* lines, and nothing printed before the exit is lost.
      expect(lines.filter((l) => l.startsWith(`cpu ${quitter} `)).at(-1)).toBe(
        `cpu ${quitter} calls exit(3)`,
      );
      expect(lines).not.toContain('main: not reached');
      expect(lines.length).toBe(cpus * 300 + 1);
      for (let cpu = 0; cpu < cpus; cpu++) {
        const mine = lines.filter((l) => l.startsWith(`cpu ${cpu} line `));
        expect(mine).toEqual(
          Array.from({ length: 300 }, (_, i) => `cpu ${cpu} line ${i} ${'x'.repeat(100)}`),
        );
      }
    }
  });
});
