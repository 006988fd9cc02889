import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TORO_BIN } from './run-toro.js';

/**
 * Drives `toro new` in a real pseudo-terminal (util-linux `script`), answering each prompt once it has
 * appeared, as a person would. The whole session is bounded by a timeout and killed by PID.
 */
function answerPrompts(
  cwd: string,
  args: string[],
  answers: Array<[RegExp, string]>,
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, TORO_BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd,
      env: { ...process.env, TERM: 'xterm' },
    });
    let screen = '';
    let next = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`prompts timed out; screen so far:\n${screen}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      while (next < answers.length && answers[next][0].test(screen)) {
        child.stdin.write(answers[next][1]);
        next++;
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

let work: string;
beforeEach(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-tty-')));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

it('asks for what the flags leave out when run in a terminal', async () => {
  const r = await answerPrompts(
    work,
    ['new', 'hello', 'svc'],
    [
      [/Service name/, 'my-api\r'],
      [/CPUs/, '3\r'],
      [/Memory/, '256M\r'],
    ],
  );
  expect(r.code).toBe(0);
  expect(r.screen).toContain('Created my-api');
  expect(JSON.parse(readFileSync(join(work, 'svc', 'toro.json'), 'utf8'))).toEqual({
    name: 'my-api',
    entry: 'src/main.ts',
    cpus: 3,
    memory: '256M',
  });
});

it('re-asks when an answer is not valid, and asks only what is missing', async () => {
  const r = await answerPrompts(
    work,
    ['new', 'hello', 'svc', '--cpus', '2'],
    [
      [/Service name/, 'Bad Name\r'],
      [/not a valid service name/, '\x15ok-name\r'],
      [/Memory/, '1G\r'],
    ],
  );
  expect(r.code).toBe(0);
  expect(r.screen).not.toMatch(/CPUs/);
  expect(JSON.parse(readFileSync(join(work, 'svc', 'toro.json'), 'utf8'))).toMatchObject({
    name: 'ok-name',
    cpus: 2,
    memory: '1G',
  });
});
