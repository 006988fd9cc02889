/**
 * What the booted network tests share: the echo image (booted/echo.ts) built and booted in QEMU with
 * its port 7 forwarded from 127.0.0.1, and real clients for it — Node's net, the real `nc`, the
 * service's counters. Every guest is bounded by a timeout and stopped by its own PID.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { kernelBuildInput } from '../../kernel/src/index.js';
import { buildBootImage } from '../../toolchain/src/build/index.js';
import { compileService } from '../../toolchain/src/compiler/index.js';
import type { Machine } from '../../toolchain/src/vm/cmdline.js';
import { startGuest } from '../../toolchain/src/vm/guest.js';
import { withTempDir } from '../../toolchain/src/vm/testing.js';

const ENTRY = path.join(path.dirname(new URL(import.meta.url).pathname), 'booted', 'echo.ts');
const HOST = '127.0.0.1';

/** A port nothing listens on right now (the kernel picks it; QEMU binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * Sends `data` on one connection, half-closes, and collects everything the guest sends back. With
 * `ready`, the data waits until that promise settles (so many connections can be open at once first).
 */
export function roundTrip(
  port: number,
  data: Buffer,
  timeoutMs = 60_000,
  ready?: Promise<void>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host: HOST, port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new Error(`no end of stream after ${timeoutMs} ms (${Buffer.concat(chunks).length} bytes back)`),
      );
    }, timeoutMs);
    sock.on('connect', () => {
      if (ready === undefined) sock.end(data);
      else ready.then(() => sock.end(data));
    });
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      sock.end();
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * `messages.length` connections open at the same time, then each sends its message: what each got back.
 * The connections are opened 5 ms apart because QEMU's user network accepts forwarded connections from
 * a host socket with a tiny listen backlog: a burst of 50 connects at once has some of them reset on the
 * host before QEMU ever sends their SYN to the guest (a filter-dump capture shows no SYN for them). Once
 * open, all are in the guest's table together, and only then does any send.
 */
export async function allAtOnce(port: number, messages: readonly Buffer[]): Promise<Buffer[]> {
  let release = (): void => undefined;
  const ready = new Promise<void>((r) => {
    release = r;
  });
  const pending: Promise<Buffer>[] = [];
  for (const m of messages) {
    pending.push(roundTrip(port, m, 60_000, ready));
    await new Promise((r) => setTimeout(r, 5));
  }
  // Let the last SYN reach the guest, then every connection sends.
  setTimeout(release, 200);
  return Promise.all(pending);
}

/** Runs the real `nc` (netcat-openbsd) with `input` on stdin: what it printed. */
export function nc(port: number, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('nc', ['-N', '-w', '30', HOST, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (c) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`nc exited with ${code}`));
    });
    child.stdin.end(input);
  });
}

/** Runs one step of a test's conversation, naming it in the error when it fails. */
export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

export async function counters(port: number): Promise<Map<string, number>> {
  const text = (await roundTrip(port, Buffer.from('counters\n'))).toString();
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([k, v]) => [k, Number(v)] as [string, number]),
  );
}

/** A UDP port on 127.0.0.1 nothing is bound to right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, HOST, () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

/** The booted echo guest as a test body sees it. */
export interface EchoGuest {
  /** 127.0.0.1's port forwarded to the guest's port 7. */
  readonly port: number;
  /** What the guest printed so far. */
  readonly lines: readonly string[];
}

/**
 * Builds and boots the echo image, runs `body` once it listens, then stops it with `exit` and returns
 * its exit code. `frames` puts its NIC on a hub with a frame socket (vm/cmdline.ts QemuConfig.frames).
 */
export async function withEchoGuest(
  machine: Machine,
  cpus: number,
  body: (guest: EchoGuest) => Promise<void>,
  frames?: { qemuPort: number; peerPort: number },
): Promise<number | null> {
  return withTempDir(async (dir) => {
    const built = await buildBootImage({ kernel: kernelBuildInput, service: compileService(ENTRY, 'toro') });
    const image = path.join(dir, 'echo.elf');
    writeFileSync(image, built.elf);
    const port = await freePort();
    const guest = await startGuest({
      image,
      machine,
      cpus,
      accel: 'tcg',
      ports: [{ host: port, guest: 7 }],
      timeoutMs: 170_000,
      frames,
    });
    try {
      await guest.waitForLine(/^net0: echo on port 7/, 60_000);
      try {
        await body({ port, lines: guest.lines });
      } catch (e) {
        // What the guest printed and its counters are the first things to read when a client step fails.
        const seen = await counters(port).then(
          (m) => [...m].map(([k, v]) => `${k} ${v}`).join('\n'),
          (c) => `(no counters: ${(c as Error).message})`,
        );
        throw new Error(
          `${(e as Error).message}\n--- guest said:\n${guest.lines.slice(-12).join('\n')}\n--- counters:\n${seen}`,
        );
      }
      // `exit` stops the service without an answer: the connection dies with the guest.
      roundTrip(port, Buffer.from('exit\n')).catch(() => undefined);
      const exit = await guest.exited;
      return exit.code;
    } finally {
      await guest.stop();
    }
  });
}
