/**
 * The network in real QEMU guests (TCG): booted/echo.ts is compiled into a Toro image, booted on q35
 * (virtio-net-pci, 4 CPUs) and on microvm (virtio-mmio, 1 CPU) with QEMU's user networking, and must
 * get its address by DHCP, have its ping to the gateway answered, and echo every byte of real clients'
 * connections (nc and Node's net) forwarded from 127.0.0.1 — small and multi-megabyte, sequential and
 * concurrent — leaving its connection table as it found it. Each guest is bounded by a timeout and
 * stopped by its own PID.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { kernelBuildInput } from '../../kernel/src/index.js';
import { buildBootImage } from '../../toolchain/src/build/index.js';
import { compileService } from '../../toolchain/src/compiler/index.js';
import type { Machine } from '../../toolchain/src/vm/cmdline.js';
import { startGuest } from '../../toolchain/src/vm/guest.js';
import { withTempDir } from '../../toolchain/src/vm/testing.js';

const ENTRY = path.join(path.dirname(new URL(import.meta.url).pathname), 'booted', 'echo.ts');
const HOST = '127.0.0.1';

/** A port nothing listens on right now (the kernel picks it; QEMU binds it a moment later). */
function freePort(): Promise<number> {
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
function roundTrip(port: number, data: Buffer, timeoutMs = 60_000, ready?: Promise<void>): Promise<Buffer> {
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
async function allAtOnce(port: number, messages: readonly Buffer[]): Promise<Buffer[]> {
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
function nc(port: number, input: Buffer): Promise<Buffer> {
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
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw new Error(`${name}: ${(e as Error).message}`);
  }
}

async function counters(port: number): Promise<Map<string, number>> {
  const text = (await roundTrip(port, Buffer.from('counters\n'))).toString();
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([k, v]) => [k, Number(v)] as [string, number]),
  );
}

async function withEchoGuest(
  machine: Machine,
  cpus: number,
  body: (port: number, lines: readonly string[]) => Promise<void>,
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
    });
    try {
      await guest.waitForLine(/^net0: echo on port 7/, 60_000);
      try {
        await body(port, guest.lines);
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

describe.concurrent('the network in a booted guest', () => {
  test('q35, 4 CPUs: DHCP, ping, and echo for nc and Node — small, 2 MiB, 300 in sequence, 50 at once', {
    timeout: 180_000,
  }, async () => {
    const code = await withEchoGuest('q35', 4, async (port, lines) => {
      expect(lines).toContainEqual(
        expect.stringMatching(/^net0: pci 00:0\d\.0 mac 52:54:00:12:34:56 mtu 1500$/),
      );
      expect(lines).toContain('net0: address 10.0.2.15');
      expect(lines).toContain('net0: ping 10.0.2.2 answered');
      expect((await step('nc', () => nc(port, Buffer.from('hello, toro\n')))).toString()).toBe(
        'hello, toro\n',
      );
      const big = randomBytes(2 << 20);
      expect((await step('2 MiB', () => roundTrip(port, big))).equals(big)).toBe(true);
      const before = await step('counters before', () => counters(port));
      for (let i = 0; i < 300; i++) {
        const msg = Buffer.from(`connection ${i}\n`);
        expect((await step(`sequential ${i}`, () => roundTrip(port, msg, 10_000))).equals(msg)).toBe(true);
      }
      const many = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 97));
      const back = await step('50 at once', () => allAtOnce(port, many));
      for (const [i, b] of back.entries()) expect(b.equals(many[i])).toBe(true);
      const after = await step('counters after', () => counters(port));
      // The counters connection itself is the one in the table each time.
      expect(after.get('tcp.table')).toBe(before.get('tcp.table'));
      expect(after.get('stack.error') ?? 0).toBe(0);
      expect((after.get('tcp.conn.closed') ?? 0) - (before.get('tcp.conn.closed') ?? 0)).toBe(351);
    });
    expect(code).toBe(0);
  });

  test('microvm, 1 CPU: virtio-mmio found, DHCP, ping, nc echo of 1 MiB', { timeout: 180_000 }, async () => {
    const code = await withEchoGuest('microvm', 1, async (port, lines) => {
      expect(lines).toContain('net0: mmio 0xfeb02e00 polled mac 52:54:00:12:34:56 mtu 1500');
      expect(lines).toContain('net0: address 10.0.2.15');
      expect(lines).toContain('net0: ping 10.0.2.2 answered');
      const data = randomBytes(1 << 20);
      expect((await nc(port, data)).equals(data)).toBe(true);
    });
    expect(code).toBe(0);
  });
});
