/**
 * The Linux microVM baseline for the benchmarks: ../shared/baseline's Debian kernel and Node.js initramfs
 * (built by its build-linux-baseline.sh into a cache outside the repository when not built yet), an overlay
 * initramfs that turns the Node image's /srv/server.js into a TCP echo server, and a QEMU launcher with the
 * same arguments as run-baseline.sh's vm_args. QEMU is spawned directly, bounded by a timeout, and only its
 * own PID is ever signalled.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Machine } from '../../packages/toolchain/src/vm/index.js';
import { findQemu } from '../../packages/toolchain/src/vm/index.js';
import { trackGuestPid, untrackGuestPid } from '../../packages/toolchain/src/vm/reaper.js';

const REPO = new URL('../../', import.meta.url).pathname;
/** Where the project's shared baseline scripts live, beside the checkout. */
export const BASELINE_SCRIPTS = resolve(REPO, '../shared/baseline');
/** The build cache, outside the checkout: <tmpdir>/toro-bench-baseline/{out,work,debs}, and build.log. */
export const BASELINE_CACHE = join(tmpdir(), 'toro-bench-baseline');
const BUILD_TIMEOUT_MS = 10 * 60_000;

/** The guest's side of run-baseline.sh: its default APPEND and CPU, plus tsc=reliable (see its README). */
export const LINUX_APPEND = 'console=ttyS0 quiet loglevel=5 panic=-1 tsc=reliable';
export const LINUX_CPU = 'qemu64,+rdrand';
export const READY_MARKER = /BASELINE-READY/;

/**
 * A TCP echo on port 80 in the Node image: every byte back on the same socket, and the peer's FIN answered
 * with ours once everything is echoed (allowHalfOpen + pipe), like the Toro echo service.
 */
export const ECHO_SERVER_JS = `'use strict';
const net = require('net');
net
  .createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => s.destroy());
    s.pipe(s);
  })
  .listen(80);
`;

/** The servers ../shared/baseline builds an initramfs for. */
export type BaselineServer = 'busybox' | 'node' | 'nginx';

export interface LinuxBaseline {
  kernel: string;
  /** initramfs-node.cpio.gz as built (its /srv/server.js is the HTTP hello server). */
  nodeInitrd: string;
  /** initramfs-<server>.cpio.gz for each server asked for. */
  initrds: Record<BaselineServer, string>;
  /** Package versions the build recorded (manifest-node.txt), one line each. */
  manifest: string[];
  /** How it was obtained: the cache it came from and whether this run built it. */
  source: string;
}

export type BaselineOutcome = { ok: true; baseline: LinuxBaseline } | { ok: false; reason: string };

const initrdOf = (out: string, server: BaselineServer): string => join(out, `initramfs-${server}.cpio.gz`);

function built(out: string, servers: readonly BaselineServer[]): boolean {
  return existsSync(join(out, 'vmlinuz')) && servers.every((s) => existsSync(initrdOf(out, s)));
}

function readManifest(out: string, server: BaselineServer = 'node'): string[] {
  try {
    return readFileSync(join(out, `manifest-${server}.txt`), 'utf8')
      .trim()
      .split('\n');
  } catch {
    return [];
  }
}

/** One server's manifest (package versions and sizes) from a baseline's output folder. */
export function baselineManifest(baseline: LinuxBaseline, server: BaselineServer): Map<string, string> {
  return new Map(
    readManifest(join(baseline.kernel, '..'), server)
      .map((l) => l.split('=') as [string, string])
      .filter((kv) => kv.length === 2),
  );
}

/** Runs the build script with stdout and stderr into `logPath` (plain text, no terminal), bounded. */
function runBuild(
  script: string,
  cache: string,
  logPath: string,
  servers: readonly BaselineServer[],
): Promise<string | null> {
  return new Promise((done) => {
    const fd = openSync(logPath, 'w');
    const env = {
      ...process.env,
      OUT: join(cache, 'out'),
      WORK: join(cache, 'work'),
      DEBS: join(cache, 'debs'),
      SERVER: servers.join(' '),
      TERM: 'dumb',
      DEBIAN_FRONTEND: 'noninteractive',
    };
    let child: ChildProcess;
    try {
      child = spawn('bash', [script], { cwd: cache, env, stdio: ['ignore', fd, fd] });
    } catch (e) {
      closeSync(fd);
      done(`cannot start ${script}: ${(e as Error).message}`);
      return;
    }
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, BUILD_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      closeSync(fd);
      done(`cannot start ${script}: ${e.message}`);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      closeSync(fd);
      done(code === 0 ? null : `${script} ${sig !== null ? `killed by ${sig}` : `exited with ${code}`}`);
    });
  });
}

/**
 * The baseline's kernel and Node initramfs: from the cache when built already, else built there now with
 * `SERVER=<the missing servers> build-linux-baseline.sh` (its log in <cache>/build.log). Never throws: when the scripts are
 * not there or the build fails, says why.
 */
export async function prepareLinuxBaseline(
  log: (line: string) => void,
  servers: readonly BaselineServer[] = ['node'],
): Promise<BaselineOutcome> {
  const out = join(BASELINE_CACHE, 'out');
  if (built(out, servers))
    return { ok: true, baseline: baselineIn(out, `built earlier in ${BASELINE_CACHE}`) };
  const script = join(BASELINE_SCRIPTS, 'build-linux-baseline.sh');
  if (!existsSync(script)) return { ok: false, reason: `${script} is not there` };
  mkdirSync(BASELINE_CACHE, { recursive: true });
  const logPath = join(BASELINE_CACHE, 'build.log');
  log(`linux baseline: building with ${script} into ${BASELINE_CACHE} (log: ${logPath})`);
  const t0 = performance.now();
  const missing = servers.filter((srv) => !existsSync(initrdOf(out, srv)));
  const failure = await runBuild(script, BASELINE_CACHE, logPath, missing.length > 0 ? missing : servers);
  if (failure !== null)
    return { ok: false, reason: `the baseline build failed: ${failure} (see ${logPath})` };
  if (!built(out, servers))
    return { ok: false, reason: `the baseline build left no kernel or initramfs in ${out}` };
  log(`linux baseline: built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return { ok: true, baseline: baselineIn(out, `built by this run in ${BASELINE_CACHE}`) };
}

/** The baseline's files in the build's output folder `out`. */
function baselineIn(out: string, source: string): LinuxBaseline {
  return {
    kernel: join(out, 'vmlinuz'),
    nodeInitrd: initrdOf(out, 'node'),
    initrds: {
      busybox: initrdOf(out, 'busybox'),
      node: initrdOf(out, 'node'),
      nginx: initrdOf(out, 'nginx'),
    },
    manifest: readManifest(out),
    source,
  };
}

/**
 * The echo image's initrd in `dir`: initramfs-node.cpio.gz followed by a separately gzipped newc overlay
 * holding /srv/server.js = ECHO_SERVER_JS. Linux unpacks concatenated archives in order, the later file
 * replacing the earlier one, so the Node image's /init starts the echo server instead of the HTTP one.
 */
export function echoInitrd(baseline: LinuxBaseline, dir: string): string {
  const root = join(dir, 'overlay');
  mkdirSync(join(root, 'srv'), { recursive: true });
  writeFileSync(join(root, 'srv', 'server.js'), ECHO_SERVER_JS);
  const cpio = execFileSync('cpio', ['-o', '-H', 'newc', '-R', '0:0', '--quiet'], {
    cwd: root,
    input: 'srv\nsrv/server.js\n',
    maxBuffer: 1 << 20,
    timeout: 30_000,
  });
  const overlay = execFileSync('gzip', ['-9', '-n', '-c'], { input: cpio, timeout: 30_000 });
  const initrd = join(dir, 'initramfs-node-echo.cpio.gz');
  writeFileSync(initrd, Buffer.concat([readFileSync(baseline.nodeInitrd), overlay]));
  return initrd;
}

/** The host's TSC rate in kHz, found as run-baseline.sh finds it (dmesg, else /proc/cpuinfo). */
export function hostTscKhz(): number {
  let mhz: number | undefined;
  try {
    const dmesg = execFileSync('dmesg', [], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const refined = [...dmesg.matchAll(/tsc: Refined TSC clocksource calibration: ([0-9.]+) MHz/g)].pop();
    const detected = [...dmesg.matchAll(/tsc: Detected ([0-9.]+) MHz/g)].pop();
    const m = refined ?? detected;
    if (m !== undefined) mhz = Number(m[1]);
  } catch {
    // dmesg may be restricted; /proc/cpuinfo below.
  }
  if (mhz === undefined) {
    const m = /^cpu MHz\s*:\s*([0-9.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m !== null) mhz = Number(m[1]);
  }
  if (mhz === undefined || !Number.isFinite(mhz)) throw new Error('cannot tell the host TSC rate');
  return Math.floor(mhz * 1000);
}

export interface LinuxVmOptions {
  kernel: string;
  initrd: string;
  machine: Machine;
  memoryMiB: number;
  /** 127.0.0.1's port forwarded to the guest's port 80. */
  hostPort: number;
  /** vCPUs (default 1). */
  cpus?: number;
  /** Hard limit on the VM's life. */
  timeoutMs: number;
  tscKhz: number;
}

/** run-baseline.sh's vm_args (one vCPU unless `cpus`): TCG, its CPU and command line, virtio-net, hostfwd to :80. */
export function linuxQemuArgs(o: LinuxVmOptions): string[] {
  const nic = o.machine === 'q35' ? 'virtio-net-pci,netdev=n0,romfile=' : 'virtio-net-device,netdev=n0';
  const append = o.machine === 'microvm' ? `${LINUX_APPEND} tsc_early_khz=${o.tscKhz}` : LINUX_APPEND;
  return [
    ...[
      '-accel',
      'tcg',
      '-M',
      o.machine,
      '-cpu',
      LINUX_CPU,
      '-m',
      `${o.memoryMiB}M`,
      '-smp',
      String(o.cpus ?? 1),
    ],
    ...['-nographic', '-no-reboot', '-kernel', o.kernel, '-initrd', o.initrd, '-append', append],
    ...['-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${o.hostPort}-:80`, '-device', nic],
  ];
}

export interface LinuxVm {
  readonly pid: number;
  readonly argv: readonly string[];
  /** performance.now() at spawn. */
  readonly startedAt: number;
  /** Serial lines so far. */
  readonly lines: readonly string[];
  /** ms from spawn to the first line matching `pattern`; rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<number>;
  /** Resolves (with what happened) once QEMU has exited. */
  readonly exited: Promise<string>;
  /** SIGTERM to our QEMU, SIGKILL after 2 s; resolves once it is reaped. */
  stop(): Promise<void>;
}

export function startLinuxVm(o: LinuxVmOptions): LinuxVm {
  const qemu = findQemu();
  const args = linuxQemuArgs(o);
  const startedAt = performance.now();
  const child = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  const pid = child.pid ?? -1;
  if (pid > 0) trackGuestPid(pid);
  const lines: string[] = [];
  const lineMs: number[] = [];
  const seen: { re: RegExp; resolve: (ms: number) => void }[] = [];
  let partial = '';
  let stderr = '';
  let exited = false;
  const closed = new Promise<void>((done) => {
    const finish = (): void => {
      if (exited) return;
      exited = true;
      if (pid > 0) untrackGuestPid(pid);
      done();
    };
    child.on('close', finish);
    child.on('error', finish);
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const line of parts) {
      const at = performance.now() - startedAt;
      lines.push(line);
      lineMs.push(at);
      for (const w of seen) if (w.re.test(line)) w.resolve(at);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 16_384) stderr += chunk.toString('utf8');
  });
  const signal = (sig: NodeJS.Signals): void => {
    if (exited || pid <= 0) return;
    try {
      process.kill(pid, sig);
    } catch {
      // Exited between the check and the kill.
    }
  };
  const stop = async (): Promise<void> => {
    signal('SIGTERM');
    const grace = setTimeout(() => signal('SIGKILL'), 2_000);
    await closed;
    clearTimeout(grace);
  };
  const lifetime = setTimeout(() => void stop(), o.timeoutMs);
  void closed.then(() => clearTimeout(lifetime));
  return {
    pid,
    argv: [qemu, ...args],
    startedAt,
    lines,
    exited: closed.then(
      () => `QEMU exited (${child.exitCode ?? child.signalCode}; stderr: ${stderr.trim().slice(0, 500)})`,
    ),
    waitForLine(re, timeoutMs) {
      const past = lines.findIndex((l) => re.test(l));
      if (past >= 0) return Promise.resolve(lineMs[past]);
      return new Promise<number>((resolveLine, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no serial line matched ${re} within ${timeoutMs} ms; last: ${lines.slice(-5).join(' / ')}`,
            ),
          );
        }, timeoutMs);
        seen.push({
          re,
          resolve: (ms) => {
            clearTimeout(timer);
            resolveLine(ms);
          },
        });
        void closed.then(() => {
          clearTimeout(timer);
          reject(
            new Error(
              `QEMU exited before ${re}; stderr: ${stderr.trim()}; last: ${lines.slice(-5).join(' / ')}`,
            ),
          );
        });
      });
    },
    stop,
  };
}

/** Kernel + initrd bytes on disk. */
export function imageBytes(...paths: string[]): number {
  return paths.reduce((n, p) => n + statSync(p).size, 0);
}

/** A guest a bench has just started: where to reach it and how to end it. */
export interface Booted {
  port: number;
  /** performance.now() just before QEMU was spawned. */
  t0: number;
  /** ms from spawn to the service's ready line on the serial console. */
  ready: Promise<number>;
  /** Resolves (with what happened) if the guest cannot serve: QEMU exited, or Linux failed to unpack. */
  failed: Promise<string>;
  /** Last serial lines, for errors. */
  tail(): string;
  /** Ends the guest (cleanly where it can) and reaps QEMU; always called, in a finally. */
  close(): Promise<void>;
}

const UNPACK_FAILED = /Initramfs unpacking failed/;

/**
 * Boots a Linux baseline guest with its port 80 on 127.0.0.1:`hostPort`: ready at BASELINE-READY, failed
 * when QEMU exits or the initramfs could not be unpacked (a partly unpacked one still boots, and may
 * serve the image's own HTTP server, so the run stops at once).
 */
export function bootLinux(o: LinuxVmOptions): Booted {
  const vm = startLinuxVm(o);
  const ready = vm.waitForLine(READY_MARKER, 120_000);
  ready.catch(() => undefined);
  const unpack = vm.waitForLine(UNPACK_FAILED, o.timeoutMs).then(
    () => 'Linux could not unpack its initramfs (too little memory?)',
    () => new Promise<string>(() => undefined),
  );
  return {
    port: o.hostPort,
    t0: vm.startedAt,
    ready,
    failed: Promise.race([vm.exited, unpack]),
    tail: () => vm.lines.slice(-12).join('\n'),
    close: () => vm.stop(),
  };
}
