/**
 * Real QEMU boots of the NASM test guest (guests/env.asm) through startGuest: serial lines, exit-code
 * decoding, timeouts, stop(), QEMU errors, machine types, CPU and memory sizing as the guest sees them
 * (read back through fw_cfg), loopback-only port forwards, log files and the serial stream.
 *
 * Every guest has a timeout and is stopped in `finally`; each test checks its QEMU PID is gone.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuest } from '../../src/vm/guest.js';
import { launchGuest } from '../../src/vm/launch.js';
import { measureBoot } from '../../src/vm/measure.js';
import { trackedGuestPids } from '../../src/vm/reaper.js';
import { parseMemorySize } from '../../src/vm/size.js';
import { bootAndCollect, isProcessAlive } from '../../src/vm/testing.js';
import { buildEnvGuest, envReport } from './helpers.js';

let dir: string;
const images: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'toro-vm-guest-'));
  const variants: Record<string, Record<string, string | number | true>> = {
    exit0: { EXIT_CODE: 0 },
    exit1: { EXIT_CODE: 1 },
    exit3: { EXIT_CODE: 3 },
    exit255: { EXIT_CODE: 255 },
    banner255: { EXIT_CODE: 255, BANNER: true },
    banner3: { EXIT_CODE: 3, BANNER: true },
    hang: { HANG: true },
    poweroff: { POWEROFF: true },
  };
  for (const [name, defines] of Object.entries(variants)) images[name] = await buildEnvGuest(dir, defines);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(trackedGuestPids()).toEqual([]);
});

describe('booting the test guest', () => {
  it.each(['microvm', 'q35'] as const)(
    'boots on %s, streams serial lines and passes the command line',
    async (machine) => {
      const { lines, exit, pid } = await bootAndCollect({
        image: images.exit0,
        machine,
        append: 'exit=0 with spaces, "quotes" & $dollar',
        timeoutMs: 20_000,
      });
      expect(lines[0]).toBe('guest: hello');
      expect(envReport(lines).cmdline).toBe('exit=0 with spaces, "quotes" & $dollar');
      expect(exit).toMatchObject({ code: 0, source: 'debug-exit', qemuStatus: 1, signal: null });
      expect(isProcessAlive(pid)).toBe(false);
    },
  );

  it.each([
    ['exit0', 0, 1],
    ['exit1', 1, 3],
    ['exit3', 3, 7],
    ['banner3', 3, 7],
    ['banner255', 255, 255],
  ])('decodes isa-debug-exit: %s → code %i (QEMU status %i)', async (name, code, status) => {
    const { exit } = await bootAndCollect({ image: images[name], timeoutMs: 20_000 });
    expect(exit).toMatchObject({ code, source: 'debug-exit', qemuStatus: status });
  });

  it('cannot tell 255 from 127 without the "toro: exit" line (8-bit exit statuses)', async () => {
    const { exit } = await bootAndCollect({ image: images.exit255, timeoutMs: 20_000 });
    expect(exit).toMatchObject({ code: 127, source: 'debug-exit', qemuStatus: 255 });
  });

  it('takes the code from the last "toro: exit" line when the guest powers off (QEMU exits 0)', async () => {
    const { exit, lines } = await bootAndCollect({
      image: images.poweroff,
      machine: 'q35',
      timeoutMs: 20_000,
    });
    expect(lines).toContain('toro: exit 5');
    expect(exit).toMatchObject({ code: 5, source: 'banner', qemuStatus: 0 });
  });

  it('sees -smp and memory sizes as configured (read back through fw_cfg)', async () => {
    const cases = [
      { machine: 'microvm' as const, cpus: 4, memory: '96M' },
      { machine: 'q35' as const, cpus: 4, memory: '512MiB' },
      { machine: 'microvm' as const, cpus: 2, memory: '1G' },
    ];
    for (const c of cases) {
      const { lines, exit } = await bootAndCollect({ image: images.exit0, ...c, timeoutMs: 30_000 });
      expect(exit.code).toBe(0);
      const report = envReport(lines);
      expect(report.cpus).toBe(c.cpus);
      expect(report.ramBytes).toBe(BigInt(parseMemorySize(c.memory)) * 1024n * 1024n);
    }
  });

  it('builds an SRAT for NUMA on q35 only, as the guest sees in its ACPI tables', async () => {
    const tables = async (machine: 'q35' | 'microvm', numa?: number) => {
      const { lines, exit, notes } = await bootAndCollect({
        image: images.exit3,
        machine,
        cpus: 4,
        memory: '256M',
        numa,
        timeoutMs: 30_000,
      });
      expect(exit.code).toBe(3);
      const report = envReport(lines);
      expect(report).toMatchObject({ cpus: 4, ramBytes: 256n * 1024n * 1024n });
      expect(report.acpiTables).toContain('APIC');
      // The runner warns exactly when the guest will not see the requested nodes.
      expect(notes.some((n) => n.includes('SRAT'))).toBe(machine === 'microvm' && numa !== undefined);
      return report.acpiTables;
    };
    expect(await tables('q35', 2)).toContain('SRAT');
    expect(await tables('q35')).not.toContain('SRAT');
    // microvm accepts the NUMA options but describes no nodes to the guest (qemuConfigNotes says so).
    expect(await tables('microvm', 2)).not.toContain('SRAT');
  });

  it('boots with -icount', async () => {
    const { exit } = await bootAndCollect({ image: images.exit3, icount: 4, timeoutMs: 30_000 });
    expect(exit.code).toBe(3);
  });
});

describe('stopping guests', () => {
  it('kills a hanging guest at the timeout and reaps it', async () => {
    const guest = await startGuest({ image: images.hang, timeoutMs: 1_500 });
    try {
      await guest.waitForLine(/^guest: hanging$/, 20_000);
      expect(isProcessAlive(guest.pid)).toBe(true);
      const exit = await guest.exited;
      expect(exit).toMatchObject({ code: null, source: 'timeout' });
      expect(exit.durationMs).toBeGreaterThanOrEqual(1_400);
      expect(exit.durationMs).toBeLessThan(10_000);
      expect(isProcessAlive(guest.pid)).toBe(false);
    } finally {
      await guest.stop();
    }
  });

  it('stop() ends a running guest', async () => {
    const guest = await startGuest({ image: images.hang, timeoutMs: 20_000 });
    try {
      await guest.waitForLine(/hanging/);
      const exit = await guest.stop();
      expect(exit).toMatchObject({ code: null, source: 'killed' });
      expect(exit.durationMs).toBeLessThan(15_000);
      expect(isProcessAlive(guest.pid)).toBe(false);
      expect(await guest.stop()).toBe(exit);
    } finally {
      await guest.stop();
    }
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    // A stand-in process that ignores SIGTERM, since QEMU itself always honours it.
    const script = "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);";
    const guest = launchGuest({
      qemuPath: process.execPath,
      args: ['-e', script],
      accel: 'tcg',
      timeoutMs: 20_000,
      killGraceMs: 300,
    });
    try {
      await guest.waitForLine(/^ready$/, 10_000);
      const exit = await guest.stop();
      expect(exit).toMatchObject({ source: 'killed', signal: 'SIGKILL', qemuStatus: null });
      expect(isProcessAlive(guest.pid)).toBe(false);
    } finally {
      await guest.stop();
    }
  });
});

describe('QEMU failures', () => {
  it("reports QEMU's own message for a bad option", async () => {
    const guest = await startGuest({ image: images.exit0, extraArgs: ['-bogus-option'], timeoutMs: 20_000 });
    try {
      await expect(guest.waitForLine(/never/)).rejects.toThrow(/-bogus-option: invalid option/);
      const exit = await guest.exited;
      expect(exit).toMatchObject({ code: null, source: 'qemu', qemuStatus: 1 });
      expect(exit.error).toContain('qemu-system-x86_64: -bogus-option: invalid option');
    } finally {
      await guest.stop();
    }
  });

  it('reports a QEMU binary that cannot be spawned', async () => {
    const guest = await startGuest({
      image: images.exit0,
      qemuPath: join(dir, 'no-such-qemu'),
      accel: 'tcg',
    });
    const exit = await guest.exited;
    expect(exit).toMatchObject({ code: null, source: 'qemu' });
    expect(exit.error).toMatch(/could not start QEMU: .*ENOENT/);
  });
});

describe('guest I/O', () => {
  it('forwards ports on 127.0.0.1 only', async () => {
    const port = await freePort();
    const guest = await startGuest({
      image: images.hang,
      ports: [{ host: port, guest: 80 }],
      timeoutMs: 20_000,
    });
    try {
      expect(guest.argv).toContain(`user,id=net0,hostfwd=tcp:127.0.0.1:${port}-:80`);
      await guest.waitForLine(/hanging/);
      const listeners = tcpListeners().filter((l) => l.port === port);
      expect(listeners.map((l) => l.address)).toEqual(['127.0.0.1']);
    } finally {
      await guest.stop();
    }
    expect(isProcessAlive(guest.pid)).toBe(false);
  });

  it('appends serial lines to a log file and offers them as a stream', async () => {
    const logFile = join(dir, 'serial.log');
    const guest = await startGuest({ image: images.banner3, logFile, timeoutMs: 20_000 });
    try {
      const streamed: string[] = [];
      for await (const line of guest.serial) streamed.push(line as string);
      const exit = await guest.exited;
      expect(exit.code).toBe(3);
      expect(streamed).toEqual(guest.lines);
      expect(streamed.at(-1)).toBe('toro: exit 3');
      expect(readFileSync(logFile, 'utf8')).toBe(`${guest.lines.join('\n')}\n`);
    } finally {
      await guest.stop();
    }
  });

  it('waitForLine finds past lines, and times out without killing the guest', async () => {
    const guest = await startGuest({ image: images.hang, cpus: 2, timeoutMs: 20_000 });
    try {
      await guest.waitForLine(/hanging/);
      const past = await guest.waitForLine(/^cpus 0x(\w+)$/g, 1);
      expect(Number.parseInt(past[1], 16)).toBe(2);
      await expect(guest.waitForLine(/never printed/, 300)).rejects.toThrow(/no serial line matched/);
      expect(isProcessAlive(guest.pid)).toBe(true);
    } finally {
      await guest.stop();
    }
    expect(isProcessAlive(guest.pid)).toBe(false);
  });

  it('bootAndCollect can stop at a line', async () => {
    const { match, exit, lines, pid } = await bootAndCollect({
      image: images.hang,
      until: /^cpus 0x(\w+)$/,
      cpus: 3,
    });
    expect(Number.parseInt(match?.[1] ?? '', 16)).toBe(3);
    expect(exit.source).toBe('killed');
    expect(lines).toContain('guest: hello');
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('measureBoot times the first line and the exit', async () => {
    const t = await measureBoot({ image: images.exit3, timeoutMs: 20_000 });
    expect(t.exit.code).toBe(3);
    expect(t.msToFirstLine).toBeGreaterThan(0);
    expect(t.msToFirstLine).toBeLessThanOrEqual(t.msToExit);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Listening TCP sockets from /proc/net/tcp (IPv4), as dotted address and port. */
function tcpListeners(): { address: string; port: number }[] {
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 3 && f[3] === '0A')
    .map((f) => {
      const [hexAddr, hexPort] = f[1].split(':');
      const bytes = hexAddr.match(/../g) ?? [];
      return {
        address: bytes
          .reverse()
          .map((b) => Number.parseInt(b, 16))
          .join('.'),
        port: Number.parseInt(hexPort, 16),
      };
    });
}
