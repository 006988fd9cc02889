/**
 * The booted network, Toro beside Linux: the drivers' echo image (packages/drivers/test/booted/echo.ts:
 * virtio-net, the TCP/IP stack and a TCP echo on port 7) and a Linux microVM (../shared/baseline's Debian
 * kernel and Node.js initramfs, its server swapped for a Node.js TCP echo on port 80), both under QEMU TCG
 * with one vCPU and user networking, measured from the host through the forwarded port on 127.0.0.1: QEMU
 * start to the first echoed byte, connections per second one after another, round-trip latency of one byte
 * on an open connection, and echo throughput of a 16 MiB stream. When the baseline cannot be had, Toro is
 * still measured and the table says why the Linux columns are empty.
 */
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expect, it } from 'vitest';
import { freePort, roundTrip } from '../packages/drivers/test/echo-guest.js';
import { kernelBuildInput } from '../packages/kernel/src/index.js';
import { buildBootImage } from '../packages/toolchain/src/build/index.js';
import { compileService } from '../packages/toolchain/src/compiler/index.js';
import type { Machine } from '../packages/toolchain/src/vm/index.js';
import { startGuest } from '../packages/toolchain/src/vm/index.js';
import { withTempDir } from '../packages/toolchain/src/vm/testing.js';
import {
  BASELINE_SCRIPTS,
  type Booted,
  bootLinux,
  echoInitrd,
  hostTscKhz,
  imageBytes,
  LINUX_APPEND,
  LINUX_CPU,
  type LinuxBaseline,
  prepareLinuxBaseline,
} from './lib/linux-baseline.js';
import { median, writeResults } from './lib/results.js';

const ENTRY = new URL('../packages/drivers/test/booted/echo.ts', import.meta.url).pathname;
/** Boots per system and machine. */
const RUNS = 3;
const SEQUENTIAL = 200;
const PINGS = 500;
const STREAM = 16 << 20;
/**
 * The same -m for both, run-baseline.sh's default. Less is not safe for Linux: its initramfs (~100 MB
 * unpacked) goes into a tmpfs capped at half the RAM, and at 256 MiB the unpacking fails part-way (the
 * echo overlay, unpacked last, is then lost).
 */
const MEMORY_MIB = 512;
const MACHINES: Machine[] = ['microvm', 'q35'];
const HOST = '127.0.0.1';
const TORO_READY = /^net0: echo on port 7/;

/** Sends one byte at a time on one connection and waits for it back: each round trip's ms. */
function pingPong(port: number, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const sock = connect({ host: HOST, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`ping-pong stalled after ${times.length} round trips`));
    }, 120_000);
    let t0 = 0;
    const next = (): void => {
      t0 = performance.now();
      sock.write('x');
    };
    sock.on('connect', next);
    sock.on('data', (d) => {
      for (let i = 0; i < d.length; i++) times.push(performance.now() - t0);
      if (times.length >= count) {
        clearTimeout(timer);
        sock.destroy();
        resolve(times);
      } else next();
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/**
 * ms from `t0` to the first echoed byte. A new connection is tried every 50 ms (each given up after 3 s,
 * at most 32 open), since before the guest listens QEMU either resets the connection or holds it while
 * its SYN goes unanswered; the first 'x' back on any of them is the time.
 */
function firstEcho(port: number, t0: number, limitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const open = new Set<Socket>();
    let done = false;
    const finish = (err: Error | null, ms = 0): void => {
      if (done) return;
      done = true;
      clearInterval(every);
      clearTimeout(deadline);
      for (const s of open) s.destroy();
      open.clear();
      if (err !== null) reject(err);
      else resolve(ms);
    };
    const attempt = (): void => {
      if (done || open.size >= 32) return;
      const s = connect({ host: HOST, port, allowHalfOpen: true });
      open.add(s);
      const drop = (): void => {
        clearTimeout(giveUp);
        open.delete(s);
        s.destroy();
      };
      const giveUp = setTimeout(drop, 3_000);
      s.on('connect', () => s.write('x'));
      s.on('data', (d) => {
        if (d.includes(0x78)) finish(null, performance.now() - t0);
      });
      s.on('end', drop);
      s.on('error', drop);
      s.on('close', drop);
    };
    const every = setInterval(attempt, 50);
    const deadline = setTimeout(() => finish(new Error(`no echo within ${limitMs} ms`)), limitMs);
    attempt();
  });
}

const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

interface Figures {
  firstEcho: number;
  ready: number;
  connPerSec: number;
  p50: number;
  p99: number;
  mbPerSec: number;
}

async function measure(boot: () => Promise<Booted>): Promise<Figures> {
  const guest = await boot();
  try {
    const first = await Promise.race([
      firstEcho(guest.port, guest.t0, 120_000),
      guest.failed.then((why) => Promise.reject(new Error(`${why} before the first echo`))),
    ]);
    const ready = await guest.ready;
    const s0 = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) {
      const msg = Buffer.from(`connection ${i}\n`);
      expect((await roundTrip(guest.port, msg, 10_000)).equals(msg)).toBe(true);
    }
    const connPerSec = SEQUENTIAL / ((performance.now() - s0) / 1000);
    const times = await pingPong(guest.port, PINGS);
    const data = Buffer.alloc(STREAM);
    for (let i = 0; i < STREAM; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
    const b0 = performance.now();
    const back = await roundTrip(guest.port, data, 180_000);
    const mbPerSec = STREAM / 2 ** 20 / ((performance.now() - b0) / 1000);
    expect(back.length).toBe(STREAM);
    expect(back.equals(data)).toBe(true);
    return {
      firstEcho: first,
      ready,
      connPerSec,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
      mbPerSec,
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- guest said:\n${guest.tail()}`);
  } finally {
    await guest.close();
  }
}

/**
 * The Toro echo image under startGuest, with the Linux guest's memory. Its CPU stays the runner's TCG
 * default (max): the compiled service uses instructions qemu64 lacks (#UD under -cpu qemu64,+rdrand).
 */
async function bootToro(image: string, machine: Machine): Promise<Booted> {
  const port = await freePort();
  const t0 = performance.now();
  const guest = await startGuest({
    image,
    machine,
    cpus: 1,
    memory: MEMORY_MIB,
    accel: 'tcg',
    ports: [{ host: port, guest: 7 }],
    timeoutMs: 300_000,
  });
  let readyMs = Number.NaN;
  guest.serial.on('line', (line: string, ms: number) => {
    if (Number.isNaN(readyMs) && TORO_READY.test(line)) readyMs = ms;
  });
  // waitForLine for its timeout and exit handling; the 'line' listener above runs first and has the time.
  const ready = guest.waitForLine(TORO_READY, 120_000).then(() => readyMs);
  ready.catch(() => undefined);
  return {
    port,
    t0,
    ready,
    failed: guest.exited.then((x) => `QEMU exited (code ${x.code})`),
    tail: () => guest.lines.slice(-12).join('\n'),
    async close() {
      try {
        // `exit` stops the service; QEMU exits once the kernel powers off (bounded: stop() kills it after).
        roundTrip(port, Buffer.from('exit\n'), 5_000).catch(() => undefined);
        await Promise.race([guest.exited, new Promise((r) => setTimeout(r, 15_000))]);
      } finally {
        await guest.stop();
      }
    },
  };
}

const fmt = (x: number): number => Number(x.toFixed(2));

it('measures the booted network against a Linux microVM on microvm and q35', {
  timeout: 1_200_000,
}, async () => {
  const started = performance.now();
  await withTempDir(async (dir) => {
    const built = await buildBootImage({ kernel: kernelBuildInput, service: compileService(ENTRY, 'toro') });
    const image = join(dir, 'echo.elf');
    writeFileSync(image, built.elf);

    // The Linux side: every way it can be missing ends up as `linuxMissing`, never as numbers.
    let linuxMissing: string | null = null;
    let baseline: LinuxBaseline | null = null;
    let linuxInitrd = '';
    let tscKhz = 0;
    const outcome = await prepareLinuxBaseline((l) => console.log(l));
    if (outcome.ok) {
      try {
        baseline = outcome.baseline;
        linuxInitrd = echoInitrd(baseline, dir);
        tscKhz = hostTscKhz();
      } catch (e) {
        linuxMissing = `the echo initrd could not be made: ${(e as Error).message}`;
      }
    } else linuxMissing = outcome.reason;

    const runs = new Map<string, Figures[]>();
    const add = (key: string, f: Figures): void => {
      runs.set(key, [...(runs.get(key) ?? []), f]);
    };
    // Interleaved (run, machine, system), so that drift in the host's load hits both systems alike.
    for (let r = 0; r < RUNS; r++) {
      for (const machine of MACHINES) {
        add(`toro/${machine}`, await measure(() => bootToro(image, machine)));
        if (linuxMissing === null && baseline !== null) {
          const kernel = baseline.kernel;
          try {
            add(
              `linux/${machine}`,
              await measure(async () =>
                bootLinux({
                  kernel,
                  initrd: linuxInitrd,
                  machine,
                  memoryMiB: MEMORY_MIB,
                  hostPort: await freePort(),
                  timeoutMs: 300_000,
                  tscKhz,
                }),
              ),
            );
          } catch (e) {
            linuxMissing = `the Linux guest failed on ${machine} (run ${r + 1}): ${(e as Error).message.split('\n')[0]}`;
            console.log(`linux baseline: ${(e as Error).message}`);
          }
        }
      }
    }
    // A Linux failure in any run drops its other runs too: the table shows all of a column's runs or none.
    if (linuxMissing !== null) for (const k of [...runs.keys()]) if (k.startsWith('linux/')) runs.delete(k);

    const keys = MACHINES.flatMap((m) => [`toro/${m}`, `linux/${m}`]);
    const cell = (key: string, f: (x: Figures) => number): number | string => {
      const xs = runs.get(key);
      return xs === undefined || xs.length === 0 ? 'n/a' : fmt(median(xs.map(f)));
    };
    const metric = (label: string, f: (x: Figures) => number): (string | number)[] => [
      label,
      ...keys.map((k) => cell(k, f)),
    ];
    const toroBytes = built.elf.length;
    const linuxBytes =
      baseline !== null && linuxMissing === null ? imageBytes(baseline.kernel, linuxInitrd) : 0;
    const size = (bytes: number): string => (bytes > 0 ? `${(bytes / 1e6).toFixed(2)} MB` : 'n/a');
    const rows: (string | number)[][] = [
      metric('QEMU start → first echoed byte (ms)', (x) => x.firstEcho),
      metric('QEMU start → ready line on serial (ms)', (x) => x.ready),
      metric(`connections/s (${SEQUENTIAL}, one after another)`, (x) => x.connPerSec),
      metric('1-byte RTT p50 (ms)', (x) => x.p50),
      metric('1-byte RTT p99 (ms)', (x) => x.p99),
      metric(`${STREAM >> 20} MiB stream echoed (MiB/s)`, (x) => x.mbPerSec),
      ['image on disk', ...MACHINES.flatMap(() => [size(toroBytes), size(linuxBytes)])],
    ];
    const manifest = new Map(
      (baseline?.manifest ?? []).map((l) => l.split('=') as [string, string]).filter((kv) => kv.length === 2),
    );
    const elapsed = (performance.now() - started) / 1000;
    const path = writeResults({
      name: 'network',
      title: 'The booted network: Toro and a Linux microVM (QEMU TCG, user networking)',
      method:
        `Median of ${RUNS} boots each, interleaved (microvm Toro, microvm Linux, q35 Toro, q35 Linux, then again), 1 vCPU, -m ${MEMORY_MIB}M for both, ` +
        `-cpu max for Toro (the runner's TCG default), -cpu ${LINUX_CPU} for Linux (run-baseline.sh's). Toro: the drivers' echo image (TCP echo on port 7). Linux: ../shared/baseline's Debian kernel and Node.js initramfs ` +
        'with /srv/server.js replaced by a Node.js net echo (allowHalfOpen, socket piped to itself) on port 80. From the host on 127.0.0.1 through ' +
        `QEMU's forwarded port: spawn to the first echoed byte (a new connection tried every 50 ms), ${SEQUENTIAL} connections one after another ` +
        `(connect, ~15 bytes, half-close, read all back), ${PINGS} one-byte round trips on one open connection, and a ${STREAM >> 20} MiB stream ` +
        `echoed back (checked byte for byte). The whole bench took ${elapsed.toFixed(0)} s${baseline?.source.startsWith('built by this run') ? ', building the baseline included' : ''}.`,
      columns: ['metric', 'Toro microvm', 'Linux microvm', 'Toro q35', 'Linux q35'],
      rows,
      notes: [
        ...(linuxMissing === null
          ? []
          : [`Linux columns empty: ${linuxMissing}. (Baseline scripts looked for in ${BASELINE_SCRIPTS}.)`]),
        'Every packet also crosses QEMU user networking (slirp) and the host loopback, and the guest is emulated (TCG on the host cores, shared with other work): these figures are the whole path, not the stack alone, and provisional.',
        'Before its port 7 listens the Toro guest gets a DHCP lease and pings its gateway; the Linux /init sets a static 10.0.2.15 and waits for port 80 before printing BASELINE-READY. Linux boot time includes unpacking its initramfs and starting Node.js.',
        `QEMU arguments that differ: -cpu (Toro's compiled service needs instructions that qemu64 lacks: it stops on #UD under ${LINUX_CPU}). Toro runs with the runner's argv (packages/toolchain/src/vm/cmdline.ts buildQemuArgs): -nodefaults -no-user-config -display none, serial on a stdio chardev, isa-debug-exit, a PVH ELF as -kernel with no initrd or -append, microvm as microvm,x-option-roms=off with -global virtio-mmio.force-legacy=false, and on q35 virtio-net-pci,disable-legacy=on (modern virtio only). Linux runs with run-baseline.sh's vm_args: -nographic -no-reboot, bzImage + initrd, -append "${LINUX_APPEND}" (+ tsc_early_khz=<host TSC> on microvm), on microvm QEMU's default (legacy) virtio-mmio, and on q35 a transitional virtio-net-pci,romfile=.`,
        'How the Toro NIC driver waits for work (polling or interrupts) is described in docs/architecture.md.',
        ...(baseline === null
          ? []
          : [
              `Linux: ${manifest.get('kernel_pkg') ?? 'Debian cloud kernel'}, nodejs ${manifest.get('nodejs') ?? '?'} (${baseline.source}); its image is vmlinuz + the concatenated initrd, Toro's the echo ELF as built (with symbols).`,
            ]),
      ],
    });
    console.log(`network bench: ${path}, ${elapsed.toFixed(0)} s`);
  });
});
