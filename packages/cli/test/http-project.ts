/**
 * Running a scaffolded HTTP project for a test, the two ways a user runs it: `toro dev -p` (Node
 * worker threads) and `toro build && toro run -p` under QEMU TCG; each is stopped with SIGINT by its
 * PID and must exit 130. `answer` is what curl sees of one request, in a form two runs can be compared
 * by: the status line, the headers that matter (sorted), the body.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { freePort, step } from '../../drivers/test/clients.js';
import { interruptToro, runToro } from './run-toro.js';

const run = promisify(execFile);

/** Headers whose values depend on the moment, not on the program. */
const VARYING = new Set(['date']);

/** One request with curl (`args` before the URL) as curl saw it; `-i` is added. */
export async function answer(port: number, args: readonly string[], path: string): Promise<string> {
  const out = await run(
    'curl',
    ['-sS', '-i', '--max-time', '20', ...args, `http://127.0.0.1:${port}${path}`],
    { timeout: 30_000, encoding: 'latin1' },
  );
  const [head, ...body] = out.stdout.split('\r\n\r\n');
  const [status, ...fields] = head.split('\r\n');
  const kept = fields.filter((f) => !VARYING.has(f.slice(0, f.indexOf(':')).toLowerCase())).sort();
  return [status, ...kept, '', body.join('\r\n\r\n')].join('\n');
}

/** A list of requests, [curl arguments, path]: answered one after the other. */
export type Script = ReadonlyArray<readonly [readonly string[], string]>;

export async function runScript(port: number, script: Script): Promise<string[]> {
  const answers: string[] = [];
  for (const [args, path] of script) answers.push(await step(`curl ${path}`, () => answer(port, args, path)));
  return answers;
}

/** What `toro dev -p` in `dir` answers to `script` with `cpus` CPUs, once `ready` is printed. */
export async function scriptUnderDev(
  dir: string,
  ready: string,
  cpus: number,
  script: Script,
): Promise<string[]> {
  const port = await freePort();
  let answers: string[] = [];
  const code = await interruptToro(['dev', '-p', `${port}:80`, '--cpus', String(cpus)], {
    cwd: dir,
    readyText: ready,
    whileRunning: async () => {
      answers = await runScript(port, script);
    },
  });
  expect(code).toBe(130);
  return answers;
}

/** Builds `dir` with `cpus` CPUs, boots it on `machine` with port 80 forwarded, and runs `checks`. */
export async function underToro(
  dir: string,
  ready: string,
  cpus: number,
  machine: 'q35' | 'microvm',
  checks: (port: number) => Promise<void>,
): Promise<void> {
  expect(runToro(['build', '--cpus', String(cpus)], { cwd: dir, timeoutMs: 120_000 }).status).toBe(0);
  const port = await freePort();
  let failure: unknown;
  const code = await interruptToro(
    ['run', '-p', `${port}:80`, '--machine', machine, '--accel', 'tcg', '--timeout', '200'],
    {
      cwd: dir,
      readyText: ready,
      timeoutMs: 220_000,
      whileRunning: async () => {
        try {
          await checks(port);
        } catch (e) {
          failure = e;
        }
      },
    },
  );
  if (failure !== undefined) throw failure;
  expect(code).toBe(130);
}
