/**
 * HTTP, Toro beside Linux: bench/services/http-hello.ts (`serve` from @toro/sdk answering a 16-byte text
 * body) and ../shared/baseline's Linux microVMs serving about as much with busybox httpd, nginx and
 * Node.js, each under QEMU TCG on microvm with 1 and 2 vCPUs and user networking, measured from the host
 * through the forwarded port on 127.0.0.1: QEMU start to the first 200, wrk (8 kept-alive connections,
 * 10 s) requests per second and latency percentiles, ab with a new connection per request, and the
 * smallest guest memory each serves from. When the
 * baseline cannot be had, Toro is still measured and the table says why the Linux columns are empty.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { freePort } from '../packages/drivers/test/echo-guest.js';
import { kernelBuildInput } from '../packages/kernel/src/index.js';
import { buildBootImage } from '../packages/toolchain/src/build/index.js';
import { compileService } from '../packages/toolchain/src/compiler/index.js';
import { startGuest } from '../packages/toolchain/src/vm/index.js';
import { withTempDir } from '../packages/toolchain/src/vm/testing.js';
import {
  BASELINE_SCRIPTS,
  type BaselineServer,
  type Booted,
  baselineManifest,
  bootLinux,
  hostTscKhz,
  imageBytes,
  LINUX_APPEND,
  LINUX_CPU,
  type LinuxBaseline,
  prepareLinuxBaseline,
} from './lib/linux-baseline.js';
import { median, writeResults } from './lib/results.js';

const run = promisify(execFile);
const ENTRY = new URL('./services/http-hello.ts', import.meta.url).pathname;
const RUNS = 3;
const SMPS = [1, 2];
const SERVERS: BaselineServer[] = ['busybox', 'nginx', 'node'];
const MEMORY_MIB = 512;
const WRK = ['--latency', '-t1', '-c8', '-d10s'];
const AB_FRESH = 1000;
const HOST = '127.0.0.1';

type System = 'toro' | BaselineServer;

interface Figures {
  first200: number;
  wrkRps: number;
  p50: number;
  p99: number;
  abRps: number;
  /** wrk's socket errors and non-2xx answers. */
  wrkErrors: number;
  body: string;
}

/** One GET on a new connection: status and body, or an error. */
function get(port: number, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * ms from `t0` to the first 200: a GET on a new connection every 50 ms (each given 3 s, at most 32 at
 * once), not one after another, since before the guest listens QEMU holds a forwarded connection open
 * with nobody behind it; the first 200 on any of them is the time.
 */
function first200(port: number, t0: number, limitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let open = 0;
    let done = false;
    const finish = (err: Error | null, ms = 0): void => {
      if (done) return;
      done = true;
      clearInterval(every);
      clearTimeout(deadline);
      if (err !== null) reject(err);
      else resolve(ms);
    };
    const attempt = (): void => {
      if (done || open >= 32) return;
      open++;
      get(port, 3_000).then(
        (r) => {
          open--;
          if (r.status === 200) finish(null, performance.now() - t0);
        },
        () => {
          open--;
        },
      );
    };
    const every = setInterval(attempt, 50);
    const deadline = setTimeout(() => finish(new Error(`no HTTP 200 within ${limitMs} ms`)), limitMs);
    attempt();
  });
}

/** wrk's latency figure in ms ("812.00us", "5.12ms", "1.02s"). */
function wrkMs(text: string): number {
  const m = /^([0-9.]+)(us|ms|s)$/.exec(text);
  if (m === null) throw new Error(`wrk latency '${text}'`);
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

async function load(port: number): Promise<Omit<Figures, 'first200' | 'body'>> {
  const url = `http://${HOST}:${port}/`;
  // Warm-up (a JIT's, a page cache's), not measured.
  await run('ab', ['-k', '-q', '-n', '500', '-c', '8', url], { timeout: 120_000 });
  const wrk = (await run('wrk', [...WRK, url], { timeout: 60_000 })).stdout;
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(wrk);
  const p50 = /^\s+50%\s+(\S+)\s*$/m.exec(wrk);
  const p99 = /^\s+99%\s+(\S+)\s*$/m.exec(wrk);
  if (rps === null || p50 === null || p99 === null) throw new Error(`wrk said:\n${wrk}`);
  // Errors are counted, not fatal: busybox httpd closes every connection, and wrk's reconnects can time out.
  const sockets = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(wrk);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(wrk);
  const wrkErrors =
    (sockets === null ? 0 : sockets.slice(1).reduce((a, b) => a + Number(b), 0)) +
    (non2xx === null ? 0 : Number(non2xx[1]));
  const ab = (await run('ab', ['-q', '-n', String(AB_FRESH), '-c', '8', url], { timeout: 300_000 })).stdout;
  const abRps = /Requests per second:\s+([0-9.]+)/.exec(ab);
  expect(ab).toMatch(/Failed requests:\s+0/);
  if (abRps === null) throw new Error(`ab said:\n${ab}`);
  return {
    wrkRps: Number(rps[1]),
    p50: wrkMs(p50[1]),
    p99: wrkMs(p99[1]),
    abRps: Number(abRps[1]),
    wrkErrors,
  };
}

async function measure(boot: () => Promise<Booted>): Promise<Figures> {
  const guest = await boot();
  try {
    const first = await Promise.race([
      first200(guest.port, guest.t0, 120_000),
      guest.failed.then((why) => Promise.reject(new Error(`${why} before the first 200`))),
    ]);
    const body = (await get(guest.port, 10_000)).body;
    return { first200: first, body, ...(await load(guest.port)) };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- guest said:\n${guest.tail()}`);
  } finally {
    await guest.close();
  }
}

async function bootToro(image: string, cpus: number, memoryMiB = MEMORY_MIB): Promise<Booted> {
  const port = await freePort();
  const t0 = performance.now();
  const guest = await startGuest({
    image,
    machine: 'microvm',
    cpus,
    memory: memoryMiB,
    accel: 'tcg',
    ports: [{ host: port, guest: 80 }],
    timeoutMs: 300_000,
  });
  const ready = guest
    .waitForLine(/^http-hello: listening on port 80/, 120_000)
    .then(() => performance.now() - t0);
  ready.catch(() => undefined);
  return {
    port,
    t0,
    ready,
    failed: guest.exited.then((x) => `QEMU exited (code ${x.code})`),
    tail: () => guest.lines.slice(-12).join('\n'),
    async close() {
      await guest.stop();
    },
  };
}

const fmt = (x: number): number => Number(x.toFixed(x >= 100 ? 0 : 2));

/** The guest memory sizes tried for "the smallest -m that serves", in MiB. */
const MEMORY_LADDER = [4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];
const SERVES_AB = ['-k', '-q', '-n', '500', '-c', '8'];

/** Whether a guest booted with `boot` serves: a 200 within 60 s, then ab -k 500 requests without a failure. */
async function serves(boot: () => Promise<Booted>): Promise<boolean> {
  const guest = await boot();
  try {
    await Promise.race([
      first200(guest.port, guest.t0, 60_000),
      guest.failed.then((why) => Promise.reject(new Error(why))),
    ]);
    const ab = await Promise.race([
      run('ab', [...SERVES_AB, `http://${HOST}:${guest.port}/`], { timeout: 120_000 }),
      guest.failed.then((why) => Promise.reject(new Error(why))),
    ]);
    return /Complete requests:\s+500/.test(ab.stdout) && /Failed requests:\s+0/.test(ab.stdout);
  } catch {
    return false;
  } finally {
    await guest.close();
  }
}

/** The smallest size of MEMORY_LADDER at which `serves` holds (a binary search: serving is monotonic). */
async function smallestMemory(boot: (mib: number) => Promise<Booted>): Promise<number | undefined> {
  let lo = 0;
  let hi = MEMORY_LADDER.length - 1;
  if (!(await serves(() => boot(MEMORY_LADDER[hi])))) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await serves(() => boot(MEMORY_LADDER[mid]))) hi = mid;
    else lo = mid + 1;
  }
  return MEMORY_LADDER[lo];
}

it('measures HTTP serving against busybox httpd, nginx and Node.js in Linux microVMs', {
  timeout: 3_000_000,
}, async () => {
  const started = performance.now();
  await withTempDir(async (dir) => {
    const built = await buildBootImage({ kernel: kernelBuildInput, service: compileService(ENTRY, 'toro') });
    const image = join(dir, 'http-hello.elf');
    writeFileSync(image, built.elf);

    let linuxMissing: string | null = null;
    let baseline: LinuxBaseline | null = null;
    let tscKhz = 0;
    const outcome = await prepareLinuxBaseline((l) => console.log(l), SERVERS);
    if (outcome.ok) {
      baseline = outcome.baseline;
      try {
        tscKhz = hostTscKhz();
      } catch (e) {
        linuxMissing = (e as Error).message;
      }
    } else linuxMissing = outcome.reason;

    /** One of the baseline's Linux guests, serving on a free port. */
    const bootBaseline = async (system: BaselineServer, smp: number, mib: number): Promise<Booted> =>
      bootLinux({
        kernel: (baseline as LinuxBaseline).kernel,
        initrd: (baseline as LinuxBaseline).initrds[system],
        machine: 'microvm',
        memoryMiB: mib,
        hostPort: await freePort(),
        cpus: smp,
        timeoutMs: 300_000,
        tscKhz,
      });
    const systems: System[] = ['toro', ...SERVERS];
    const runs = new Map<string, Figures[]>();
    const failedSystems = new Map<string, string>();
    // Interleaved (run, vCPUs, system), so that drift in the host's load hits every system alike.
    for (let r = 0; r < RUNS; r++) {
      for (const smp of SMPS) {
        for (const system of systems) {
          const key = `${system}/${smp}`;
          if (failedSystems.has(system)) continue;
          if (system !== 'toro' && (linuxMissing !== null || baseline === null)) continue;
          try {
            const f =
              system === 'toro'
                ? await measure(() => bootToro(image, smp))
                : await measure(() => bootBaseline(system, smp, MEMORY_MIB));
            runs.set(key, [...(runs.get(key) ?? []), f]);
          } catch (e) {
            if (system === 'toro') throw e;
            failedSystems.set(
              system,
              `failed with ${smp} vCPU(s), run ${r + 1}: ${(e as Error).message.split('\n')[0]}`,
            );
            console.log(`linux baseline ${system}: ${(e as Error).message}`);
          }
        }
      }
    }
    for (const system of failedSystems.keys())
      for (const k of [...runs.keys()]) if (k.startsWith(`${system}/`)) runs.delete(k);

    // The smallest -m that serves, per system and vCPU count.
    const smallest = new Map<string, number | undefined>();
    for (const smp of SMPS)
      for (const system of systems) {
        if (system !== 'toro' && (linuxMissing !== null || baseline === null || failedSystems.has(system)))
          continue;
        smallest.set(
          `${system}/${smp}`,
          await smallestMemory((mib) =>
            system === 'toro' ? bootToro(image, smp, mib) : bootBaseline(system, smp, mib),
          ),
        );
        console.log(`http bench: ${system}/${smp} serves from -m ${smallest.get(`${system}/${smp}`)}M`);
      }

    const keys = SMPS.flatMap((smp) => systems.map((s) => `${s}/${smp}`));
    const cell = (key: string, f: (x: Figures) => number): number | string => {
      const xs = runs.get(key);
      return xs === undefined || xs.length === 0 ? 'n/a' : fmt(median(xs.map(f)));
    };
    const metric = (label: string, f: (x: Figures) => number): (string | number)[] => [
      label,
      ...keys.map((k) => cell(k, f)),
    ];
    const size = (system: System): string => {
      if (system === 'toro') return `${(built.elf.length / 1e6).toFixed(2)} MB`;
      if (baseline === null || linuxMissing !== null) return 'n/a';
      return `${(imageBytes(baseline.kernel, baseline.initrds[system]) / 1e6).toFixed(1)} MB`;
    };
    const bodies = systems
      .map((s) => `${s}: ${JSON.stringify(runs.get(`${s}/1`)?.[0]?.body ?? '')}`)
      .join(', ');
    const rows: (string | number)[][] = [
      metric('QEMU start → first HTTP 200 (ms)', (x) => x.first200),
      metric('wrk -t1 -c8, kept alive (requests/s)', (x) => x.wrkRps),
      metric('wrk latency p50 (ms)', (x) => x.p50),
      metric('wrk latency p99 (ms)', (x) => x.p99),
      metric('wrk errors (socket errors, non-2xx)', (x) => x.wrkErrors),
      metric(`ab -c8, a new connection per request (requests/s)`, (x) => x.abRps),
      [
        'smallest -m that serves (MiB)',
        ...keys.map((k) => (smallest.has(k) ? (smallest.get(k) ?? `> ${MEMORY_LADDER.at(-1)}`) : 'n/a')),
      ],
      ['image (kernel + initramfs, or the ELF)', ...SMPS.flatMap(() => systems.map(size))],
    ];
    const versions =
      baseline === null
        ? ''
        : SERVERS.map((s) => {
            const m = baselineManifest(baseline as LinuxBaseline, s);
            return `${s} ${m.get(s === 'busybox' ? 'busybox-static' : s === 'nginx' ? 'nginx-core' : 'nodejs') ?? '?'}`;
          }).join(', ');
    const elapsed = (performance.now() - started) / 1000;
    const path = writeResults({
      name: 'http',
      title: 'HTTP: Toro and Linux microVMs (busybox httpd, nginx, Node.js), QEMU TCG, microvm',
      method:
        `Median of ${RUNS} boots each, interleaved (run, vCPUs, system), -M microvm, -m ${MEMORY_MIB}M for all, user networking, from the host on 127.0.0.1 through QEMU's forwarded port. ` +
        'Per boot: QEMU spawn to the first 200 (a GET on a new connection every 50 ms, not waiting for the one before), a warm-up of ab -k -n 500 -c 8 (not measured), ' +
        `wrk ${WRK.join(' ')} (requests/s, latency percentiles), then ab -n ${AB_FRESH} -c 8 without keep-alive (a TCP connection per request). ` +
        `The smallest -m that serves: a binary search over ${MEMORY_LADDER.join(', ')} MiB, one boot each, serving meaning a 200 within 60 s and then ab ${SERVES_AB.join(' ')} without a failure. ` +
        `Toro: bench/services/http-hello.ts, serve() from @toro/sdk, the server on CPU 1 and the stack on CPU 0 with 2 vCPUs, everything on CPU 0 with 1. Linux: ../shared/baseline's images (${versions}). The whole bench took ${elapsed.toFixed(0)} s.`,
      columns: ['metric', ...SMPS.flatMap((smp) => systems.map((s) => `${s} ${smp} vCPU`))],
      rows,
      notes: [
        ...(linuxMissing === null
          ? []
          : [`Linux columns empty: ${linuxMissing}. (Baseline scripts looked for in ${BASELINE_SCRIPTS}.)`]),
        ...[...failedSystems].map(([s, why]) => `${s} columns empty: ${why}.`),
        `Bodies served: ${bodies}.`,
        'TCG emulates every guest instruction on the host cores (2 here, shared by QEMU and the load generator), so these are the whole path under emulation, not native speeds; compare systems within one run only.',
        `QEMU arguments that differ: -cpu (max for Toro, the runner's TCG default; ${LINUX_CPU} for Linux, run-baseline.sh's) and the boot (a PVH ELF for Toro; bzImage, initramfs and -append "${LINUX_APPEND}" + tsc_early_khz for Linux).`,
        `Smallest -m: Toro splits memory evenly between the CPUs' own allocators, so with 2 vCPUs each half must hold an isolate's runtime (its stack, the collector's semispace and the room to copy it). The semispaces are spaces of the kernel's window made of any free pages, not single power-of-two blocks, so one vCPU serves from 16 MiB; below that the main thread's 4 MiB stack block and the first collection's to-space no longer fit beside the kernel and the image.`,
        'Why Toro is where it is: compiled code still computes every number as a double and looks properties up by name (the compiler speed issue), and with 2 vCPUs every socket call crosses CPUs as a message with a pump thread on the network CPU (docs/architecture.md, "The network").',
      ],
    });
    console.log(`http bench: ${path}, ${elapsed.toFixed(0)} s`);
  });
});
