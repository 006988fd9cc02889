/**
 * What the booted network tests share: the echo image (booted/echo.ts) built and booted in QEMU with
 * its port 7 forwarded from 127.0.0.1, and real clients for it — Node's net, the real `nc`, the
 * service's counters. Every guest is bounded by a timeout and stopped by its own PID.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kernelBuildInput } from '../../kernel/src/index.js';
import { buildBootImage } from '../../toolchain/src/build/index.js';
import { compileService } from '../../toolchain/src/compiler/index.js';
import type { Machine } from '../../toolchain/src/vm/cmdline.js';
import { startGuest } from '../../toolchain/src/vm/guest.js';
import { withTempDir } from '../../toolchain/src/vm/testing.js';
import { freePort, roundTrip } from './clients.js';

export { allAtOnce, freePort, nc, roundTrip, step } from './clients.js';

const ENTRY = path.join(path.dirname(new URL(import.meta.url).pathname), 'booted', 'echo.ts');
const HOST = '127.0.0.1';

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
