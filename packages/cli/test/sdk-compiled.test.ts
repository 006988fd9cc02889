/**
 * The SDK in a compiled service: the same project prints the same lines and exits with the same code
 * under `toro dev` (Node worker threads) and `toro run` (compiled into the image, booted under QEMU
 * TCG). The first service uses only the SDK's CPU, NUMA, memory, sleep/yield and exit calls and their
 * errors, for 1, 2 and 4 CPUs and 2 NUMA nodes; the ones in fixtures/services use threads (spawn,
 * join, with collections while other threads wait) and channels (copies, back-pressure, close,
 * `for await`, select) on one CPU; then across 4 CPUs: 100,000 messages over every ordered CPU pair
 * (none lost, none out of order per sender), back-pressure from a slow receiver on another CPU, close,
 * isolation of module state, select over channels of several CPUs; and a worker CPU's uncaught error (its CPU and TypeScript stack, exit 1).
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToro, serviceLines } from './run-toro.js';

const SERVICE = `import { type Main, cpus, currentCpu, exit, memoryStats, numaNodes, sleep, yieldNow } from '@toro/sdk';

async function settle(ms: number): Promise<number> {
  await sleep(ms);
  await yieldNow();
  return ms;
}

const main: Main = async () => {
  console.log(\`main on CPU \${currentCpu()} of \${cpus().length}\`);
  for (const cpu of cpus()) console.log(\`cpu \${cpu.id} is in node \${cpu.node}\`);
  for (const node of numaNodes()) {
    const m = memoryStats(node.id);
    console.log(\`node \${node.id}: CPUs \${node.cpus.join(', ')}; memory \${m.freeBytes <= m.totalBytes && m.totalBytes > 0 ? 'ok' : 'wrong'}\`);
  }
  console.log(\`slept \${await settle(3)} ms\`);
  for (const bad of [-1, Number.NaN]) {
    try {
      await sleep(bad);
    } catch (e) {
      console.log(\`\${(e as Error).name}: \${(e as Error).message}\`);
    }
  }
  try {
    memoryStats(numaNodes().length);
  } catch (e) {
    console.log((e as Error).message);
  }
  try {
    exit(256);
  } catch (e) {
    console.log((e as Error).message);
  }
  exit(cpus().length + 10);
};

export default main;
`;

let work: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-sdk-compiled-')));
  mkdirSync(join(work, 'src'));
  writeFileSync(join(work, 'src', 'main.ts'), SERVICE);
  writeFileSync(
    join(work, 'toro.json'),
    JSON.stringify({ name: 'sdk-svc', entry: 'src/main.ts', cpus: 1, memory: '128M' }),
  );
  expect(runToro(['build'], { cwd: work }).status).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a compiled service using the SDK behaves as under toro dev', () => {
  for (const [cpus, numa] of [
    [1, 1],
    [2, 2],
    [4, 1],
  ] as const) {
    it(`with ${cpus} CPU(s) in ${numa} node(s)`, () => {
      const layout = ['--cpus', String(cpus), '--numa', String(numa)];
      const dev = runToro(['dev', ...layout], { cwd: work });
      const run = runToro(['run', ...layout, '--machine', 'q35', '--accel', 'tcg', '--timeout', '60'], {
        cwd: work,
      });
      expect(dev.status).toBe(10 + cpus);
      expect(run.status).toBe(10 + cpus);
      expect(serviceLines(run.stdout)).toEqual(dev.stdout.trimEnd().split('\n'));
      expect(dev.stdout).toContain(`main on CPU 0 of ${cpus}\n`);
    });
  }
});

/** The fixture's checksum of img/noise.bin, computed here. */
function sumOf(): number {
  let sum = 0;
  for (let i = 0; i < 70_000; i++) sum = (sum * 31 + ((i * 7919 + (i >> 8)) & 0xff)) % 1000003;
  return sum;
}

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'services');

/** A project in `work` whose entry is fixtures/services/<name>.ts, built for `cpus` CPUs. */
function fixtureProject(name: string, cpus: number): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  copyFileSync(join(fixtures, `${name}.ts`), join(dir, 'src', 'main.ts'));
  writeFileSync(join(dir, 'toro.json'), JSON.stringify({ name, entry: 'src/main.ts', cpus, memory: '256M' }));
  return dir;
}

describe('threads and channels on one CPU behave as under toro dev', () => {
  for (const name of ['threads', 'channels']) {
    it(name, () => {
      const dir = fixtureProject(name, 1);
      const built = runToro(['build'], { cwd: dir });
      expect(built.stderr).not.toContain('error');
      expect(built.status).toBe(0);
      const dev = runToro(['dev'], { cwd: dir });
      const run = runToro(['run', '--accel', 'tcg', '--timeout', '60'], { cwd: dir });
      expect(dev.status).toBe(0);
      expect(run.status).toBe(0);
      expect(dev.stdout.split('\n').length).toBeGreaterThan(3);
      expect(serviceLines(run.stdout)).toEqual(dev.stdout.trimEnd().split('\n'));
    });
  }
});

describe('services across CPUs', () => {
  it('100,000 messages over every CPU pair, back-pressure, close and isolation, as under toro dev', {
    timeout: 300_000,
  }, () => {
    const dir = fixtureProject('channels-cpus', 4);
    expect(runToro(['build'], { cwd: dir }).status).toBe(0);
    const dev = runToro(['dev'], { cwd: dir });
    const run = runToro(['run', '--accel', 'tcg', '--timeout', '240'], { cwd: dir });
    expect(dev.status).toBe(0);
    expect(run.status).toBe(0);
    const lines = serviceLines(run.stdout);
    expect(lines).toEqual(dev.stdout.trimEnd().split('\n'));
    for (let cpu = 0; cpu < 4; cpu++)
      expect(lines).toContain(`CPU ${cpu} received 25000 messages, 0 out of order`);
    expect(lines).toContain('sent 100000 messages over 16 CPU pairs');
    expect(lines).toContain('slow receiver summed 55; sender held back: yes');
    expect(lines).toContain('touched here 3 times; on CPU 3: 1');
    expect(lines).toContain('bytes back 250,3,2,1 (4), sent 1,2,3,250');
  });

  it('select over channels homed on different CPUs takes every message exactly once, as under toro dev', () => {
    const dir = fixtureProject('select-cpus', 4);
    expect(runToro(['build'], { cwd: dir }).status).toBe(0);
    for (const cpus of ['2', '4']) {
      const dev = runToro(['dev', '--cpus', cpus], { cwd: dir });
      const run = runToro(['run', '--cpus', cpus, '--accel', 'tcg', '--timeout', '60'], { cwd: dir });
      expect(dev.status).toBe(0);
      expect(run.status).toBe(0);
      expect(serviceLines(run.stdout)).toEqual(['received 12: a0 a1 a2 a3 a4 b0 b1 b2 b3 c0 c1 c2']);
      expect(dev.stdout).toBe('received 12: a0 a1 a2 a3 a4 b0 b1 b2 b3 c0 c1 c2\n');
    }
  });

  it('long lines from a worker CPU reach the console whole, as under toro dev', () => {
    const dir = fixtureProject('long-lines', 2);
    expect(runToro(['build'], { cwd: dir }).status).toBe(0);
    const dev = runToro(['dev'], { cwd: dir });
    const run = runToro(['run', '--accel', 'tcg', '--timeout', '60'], { cwd: dir });
    expect(run.status).toBe(0);
    const lines = serviceLines(run.stdout);
    expect(lines).toEqual(dev.stdout.trimEnd().split('\n'));
    expect(lines[0]).toBe(`${'x'.repeat(12000)}|`);
    expect(lines[1]).toBe(`${'é'.repeat(12000)}|`);
  });

  it('files embedded from toro.json "files" are the same bytes on every CPU, as under toro dev', () => {
    const dir = fixtureProject('embedded-files', 2);
    const config = JSON.parse(readFileSync(join(dir, 'toro.json'), 'utf8'));
    writeFileSync(join(dir, 'toro.json'), JSON.stringify({ ...config, files: 'public' }));
    const put = (path: string, bytes: Uint8Array | string) => {
      mkdirSync(dirname(join(dir, 'public', path)), { recursive: true });
      writeFileSync(join(dir, 'public', path), bytes);
    };
    put('index.html', '<!doctype html><title>hi</title>\n');
    put('css/site.css', 'body { color: red }\n');
    put(
      'img/noise.bin',
      Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919 + (i >> 8)) & 0xff),
    );
    put('empty.txt', '');
    put('docs/ünï €.txt', 'héllo\n');
    put('.env', 'SECRET=1');
    put('.git/config', 'x');
    const built = runToro(['build', '--json'], { cwd: dir });
    expect(built.status).toBe(0);
    expect(JSON.parse(built.stdout).files).toEqual({ count: 5, bytes: 70_000 + 33 + 20 + 7 });
    const dev = runToro(['dev'], { cwd: dir });
    const run = runToro(['run', '--accel', 'tcg', '--timeout', '60'], { cwd: dir });
    expect(dev.status).toBe(0);
    expect(run.status).toBe(0);
    const lines = serviceLines(run.stdout);
    expect(lines).toEqual(dev.stdout.trimEnd().split('\n'));
    expect(lines[0]).toBe('CPU 0: 5 files: css/site.css docs/ünï €.txt empty.txt img/noise.bin index.html');
    expect(lines).toContain(
      'img/noise.bin: 70000 bytes, sum 0, buffer 70000'.replace('sum 0', `sum ${sumOf()}`),
    );
    expect(lines).toContain('same view on the next call: true');
    expect(lines).toContain('not embedded: undefined false');
    expect(lines).toContain('after a write here: 66');
    expect(lines.filter((l) => l.startsWith('first byte of css/site.css:'))).toEqual([
      'first byte of css/site.css: 98',
      'first byte of css/site.css: 98',
    ]);
    expect(lines).toContain('CPU 1: 5 files: css/site.css docs/ünï €.txt empty.txt img/noise.bin index.html');
  });

  it('an uncaught error on a worker CPU names the CPU and its TypeScript stack, and the VM exits 1', () => {
    const dir = fixtureProject('worker-throws', 2);
    expect(runToro(['build'], { cwd: dir }).status).toBe(0);
    const dev = runToro(['dev'], { cwd: dir });
    const run = runToro(['run', '--accel', 'tcg', '--timeout', '60'], { cwd: dir });
    expect(dev.status).toBe(1);
    expect(run.status).toBe(1);
    for (const out of [dev.stderr, run.stdout]) {
      expect(out).toContain('toro: uncaught error on CPU 1:\nRangeError: boom on a worker\n');
      expect(out).toMatch(/ {4}at explode \(\S*main\.ts:4:\d+\)\n {4}at explode \(\S*main\.ts:5:\d+\)/);
      expect(out).not.toContain('never printed');
    }
    expect(run.stdout).toContain('before the worker\n');
  });
});
