/**
 * `toro dev`: every template, scaffolded by `toro new --yes`, runs on the Node backend with 1, 2 and 4
 * CPUs and prints what its computation says it should; Ctrl-C stops a running service. Every process is
 * bounded by a timeout and killed by its PID.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interruptToro, runToro } from './run-toro.js';

let work: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-dev-test-')));
  for (const template of ['hello', 'pipeline']) {
    expect(
      runToro(['new', template, join(work, template), '--yes', '--name', `${template}-svc`]).status,
    ).toBe(0);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The hello template's output for `cpus` CPUs, computed here from its description. */
function helloExpected(cpus: number): string[] {
  const limit = 100_000;
  const step = Math.ceil(limit / cpus);
  const lines = [
    'Hello from hello-svc!',
    `node 0: CPU ${Array.from({ length: cpus }, (_, i) => i).join(', ')}`,
  ];
  let total = 0;
  for (let w = 0; w < cpus; w++) {
    const from = w * step;
    const to = Math.min(from + step, limit);
    let sum = 0;
    for (let i = from; i < to; i++) sum += i * i;
    total += sum;
    lines.push(`worker ${w} on CPU ${w}: squares of ${from}..${to - 1} add up to ${sum}`);
  }
  lines.push(`sum of squares below ${limit}: ${total}`);
  return lines;
}

/** Writes `source` as the project's entry `entry` (2 CPUs) in place of the template's. */
function useEntry(dir: string, name: string, entry: string, source: string): void {
  writeFileSync(join(dir, entry), source);
  writeFileSync(join(dir, 'toro.json'), JSON.stringify({ name, entry, cpus: 2, memory: '64M' }));
}

function pipelineExpected(cpus: number): string[] {
  return [
    `pipeline-svc: a 3-stage pipeline on ${cpus} CPU(s)`,
    `producer on CPU ${1 % cpus}, squarer on CPU ${2 % cpus}, sink on CPU ${3 % cpus}`,
    ...Array.from({ length: 20 }, (_, i) => `sink: #${i + 1} = ${(i + 1) ** 2}`),
    'sum of squares 1..20: 2870 (expected 2870)',
    'producer held back by the slow sink: yes',
  ];
}

/** A TCP port on 127.0.0.1 nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

describe('toro dev', () => {
  for (const cpus of [1, 2, 4]) {
    it(`runs the hello template with ${cpus} CPU(s)`, () => {
      const r = runToro(['dev', '--cpus', String(cpus)], { cwd: join(work, 'hello') });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(helloExpected(cpus));
    });

    it(`runs the pipeline template with ${cpus} CPU(s)`, () => {
      const r = runToro(['dev', '--cpus', String(cpus)], { cwd: join(work, 'pipeline') });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual(pipelineExpected(cpus));
    });
  }

  it('splits CPUs over NUMA nodes and prints a JSON result with the console lines', () => {
    const r = runToro(['dev', '--cpus', '4', '--numa', '2', '--json'], { cwd: join(work, 'hello') });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ cpus: 4, numa: 2, exitCode: 0, stderr: [] });
    expect(result.stdout.slice(0, 3)).toEqual([
      'Hello from hello-svc!',
      'node 0: CPU 0, 1',
      'node 1: CPU 2, 3',
    ]);
  });

  it("exits with the service's code and reports a crash, with --json too", () => {
    const dir = join(work, 'hello');
    writeFileSync(
      join(dir, 'src', 'crash.ts'),
      "import { exit } from '@toro/sdk';\nexport function fail(): void {\n  throw new Error('bad worker');\n}\nexport function seven(): void {\n  exit(7);\n}\n",
    );
    useEntry(
      dir,
      'x',
      'src/alt.ts',
      "import { spawnOn } from '@toro/sdk';\nimport { fail, seven } from './crash';\nexport default async () => {\n  await spawnOn(1, process.env.MODE === 'seven' ? seven : fail).join();\n};\n",
    );
    const crashed = runToro(['dev', '--json'], { cwd: dir });
    expect(crashed.status).toBe(1);
    const result = JSON.parse(crashed.stdout);
    expect(result).toMatchObject({ exitCode: 1, crashedCpu: 1 });
    expect(result.stderr.slice(0, 2)).toEqual(['toro: uncaught error on CPU 1:', 'Error: bad worker']);
    expect(result.stderr.join('\n')).toMatch(/at fail \(.*src\/crash\.ts:3:\d+\)/);
    expect(runToro(['dev'], { cwd: dir, env: { MODE: 'seven' } }).status).toBe(7);
  });

  it('refuses to run outside a project', () => {
    const r = runToro(['dev'], { cwd: work });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no toro.json found');
  });

  it('stops a running service on Ctrl-C and exits 130', async () => {
    const dir = join(work, 'pipeline');
    useEntry(
      dir,
      'y',
      'src/forever.ts',
      "import { sleep } from '@toro/sdk';\nexport default async () => {\n  console.log('running');\n  for (;;) await sleep(50);\n};\n",
    );
    expect(await interruptToro(['dev'], { cwd: dir, readyText: 'running' })).toBe(130);
  });

  it('forwards 127.0.0.1:HOST to the port the service listens on with -p HOST:GUEST', async () => {
    const dir = join(work, 'pipeline');
    useEntry(
      dir,
      'z',
      'src/echo.ts',
      "import { listen } from '@toro/sdk';\nexport default async () => {\n  const l = await listen(7);\n  console.log(`listening ${l.port}`);\n  for await (const c of l) {\n    for await (const chunk of c) await c.write(chunk);\n    await c.end();\n  }\n};\n",
    );
    const port = await freePort();
    let echoed = '';
    const code = await interruptToro(['dev', '-p', `${port}:7`], {
      cwd: dir,
      readyText: 'listening',
      whileRunning: () => {
        const nc = spawnSync('nc', ['-N', '-w', '10', '127.0.0.1', String(port)], {
          input: 'through the forward\n',
          encoding: 'utf8',
          timeout: 20_000,
          killSignal: 'SIGKILL',
        });
        echoed = nc.stdout;
      },
    });
    expect(echoed).toBe('through the forward\n');
    expect(code).toBe(130);
    expect(runToro(['dev', '-p', '80'], { cwd: dir }).stderr).toContain('bad port forward "80"');
  });
});
