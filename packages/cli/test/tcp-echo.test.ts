/**
 * The tcp-echo template end to end, as a user has it: `toro new tcp-echo`, `toro build`, `toro run -p
 * HOST:7` under QEMU TCG, and real clients on 127.0.0.1 (nc, Node's net). On 2 CPUs (q35, PCI) the
 * server runs on CPU 1 and reaches the stack on CPU 0 through the message matrix; on 1 CPU (microvm,
 * virtio-mmio) everything is on CPU 0. The same program answers the same under `toro dev -p`.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allAtOnce, freePort, nc, roundTrip, step } from '../../drivers/test/clients.js';
import { ip, namespacesAllowed, runInNamespace } from './netns.js';
import { interruptToro, runToro } from './run-toro.js';

let work: string;
let dir: string;
beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'toro-tcp-echo-')));
  expect(runToro(['new', 'tcp-echo', 'echo', '--yes'], { cwd: work }).status).toBe(0);
  dir = join(work, 'echo');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function messages(n: number, what: string): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.from(`${what} ${i}\n`));
}

/** The counters of the next `net0: stats …` line the guest prints (kernel command line net.stats=). */
async function nextStats(output: () => string): Promise<Map<string, number>> {
  const seen = output().length;
  for (let waited = 0; waited < 10_000; waited += 100) {
    const complete = output().substring(seen).split('\n').slice(0, -1); // lines ended by a newline
    const line = complete.find((l) => l.startsWith('net0: stats '));
    if (line !== undefined) {
      const values = new Map<string, number>();
      for (const part of line.trim().substring('net0: stats '.length).split(' ')) {
        const [name, value] = part.split('=');
        values.set(name, Number(value));
      }
      return values;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no net0: stats line in 10 s');
}

const BURST_CLIENT = join(import.meta.dirname, 'fixtures', 'burst-client.mjs');

/** Runs the burst client inside namespace `ns`: what it reported. */
function burst(ns: string, host: string, count: number, timeoutMs: number): Promise<string> {
  return runInNamespace(ns, BURST_CLIENT, [host, '7', String(count), String(timeoutMs)], timeoutMs);
}

/** Boots the image with port 7 forwarded and runs `checks` against it; toro run is stopped with Ctrl-C. */
async function withGuest(
  args: string[],
  checks: (port: number, output: () => string) => Promise<void>,
  seconds = 280,
): Promise<void> {
  const port = await freePort();
  let failure: unknown;
  const code = await interruptToro(
    ['run', '-p', `${port}:7`, '--accel', 'tcg', '--timeout', String(seconds), ...args],
    {
      cwd: dir,
      readyText: 'echo: listening on port 7',
      timeoutMs: (seconds + 10) * 1000,
      whileRunning: async (_pid, output) => {
        try {
          await checks(port, output);
        } catch (e) {
          failure = e;
        }
      },
    },
  );
  if (failure !== undefined) throw failure;
  expect(code).toBe(130);
}

describe('toro new tcp-echo', () => {
  it('on 2 CPUs (q35): nc, 2 MiB both ways, 200 connections in turn, every byte right', async () => {
    expect(runToro(['build', '--cpus', '2'], { cwd: dir, timeoutMs: 120_000 }).status).toBe(0);
    await withGuest(['--machine', 'q35'], async (port) => {
      expect((await step('nc', () => nc(port, Buffer.from('hello, toro\n')))).toString()).toBe(
        'hello, toro\n',
      );
      const big = pattern(2 << 20, 1);
      const back = await step('2 MiB', () => roundTrip(port, big, 180_000));
      expect(back.length).toBe(big.length);
      expect(back.equals(big)).toBe(true);
      for (let i = 0; i < 200; i++) {
        const msg = Buffer.from(`sequential ${i}\n`);
        expect((await step(`connection ${i}`, () => roundTrip(port, msg))).equals(msg)).toBe(true);
      }
    });
  }, 300_000);

  it('on 2 CPUs (q35): 100 connections open at once, then 10,000 in turn, leave the table and memory as they were', async () => {
    expect(runToro(['build', '--cpus', '2'], { cwd: dir, timeoutMs: 120_000 }).status).toBe(0);
    // net.stats=1: the network CPU logs every counter, the table's size and its node's free memory each second.
    await withGuest(
      ['--machine', 'q35', '--append', 'net.stats=1'],
      async (port, output) => {
        const warm = await step('warm-up', () => allAtOnce(port, messages(100, 'warm')));
        expect(warm.map(String)).toEqual(messages(100, 'warm').map(String));
        const before = await nextStats(output);
        expect(before.get('tcp.table')).toBe(0);
        const msgs = messages(100, 'at once');
        const back = await step('100 at once', () => allAtOnce(port, msgs));
        expect(back.map(String)).toEqual(msgs.map(String));
        for (let i = 0; i < 10_000; i++) {
          const msg = `in turn ${i}\n`;
          const back = await step(`connection ${i}`, () => roundTrip(port, Buffer.from(msg)));
          expect(back.toString(), `connection ${i}`).toBe(msg);
        }
        const after = await nextStats(output);
        expect(after.get('tcp.table')).toBe(0);
        expect(after.get('tcp.conn.open')).toBe((before.get('tcp.conn.open') ?? 0) + 10_100);
        expect(after.get('tcp.conn.closed')).toBe(after.get('tcp.conn.open'));
        // Finished threads, closed channels and their stacks are given back: what 10,100 connections leave
        // behind is the collector's heap size moving, not a per-connection leak (~140 KiB each before).
        const used = (before.get('mem.free') ?? 0) - (after.get('mem.free') ?? 0);
        expect(used).toBeLessThan(16 << 20);
      },
      1100,
    );
  }, 1_200_000);

  // QEMU's user network drops part of a burst of forwarded connects before they reach the guest (see
  // drivers/test/clients.ts allAtOnce), so the burst the issue asks for goes over a tap device, in a
  // network namespace the test makes and deletes: the guest and the client are alone on that wire.
  it.skipIf(!namespacesAllowed())(
    'on 2 CPUs (q35) over a tap device in a namespace of its own: 500 connections at once, every echo right',
    async () => {
      expect(runToro(['build', '--cpus', '2'], { cwd: dir, timeoutMs: 120_000 }).status).toBe(0);
      const ns = `toro-echo-${process.pid}`;
      const setup = [
        ['netns', 'add', ns],
        ['-n', ns, 'link', 'set', 'lo', 'up'],
        ['-n', ns, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap'],
        ['-n', ns, 'addr', 'add', '10.77.0.1/24', 'dev', 'tap0'],
        ['-n', ns, 'link', 'set', 'tap0', 'up'],
      ];
      try {
        for (const step of setup) expect(ip(...step)).toBe('');
        let failure: unknown;
        const code = await interruptToro(
          ['run', '--tap', 'tap0', '--machine', 'q35', '--accel', 'tcg', '--timeout', '500'].concat([
            '--append',
            'ip=10.77.0.2/24,gw=10.77.0.1 net.stats=2',
          ]),
          {
            cwd: dir,
            prefix: ['ip', 'netns', 'exec', ns],
            readyText: 'echo: listening on port 7',
            timeoutMs: 520_000,
            whileRunning: async (_pid, output) => {
              try {
                const report = JSON.parse(await burst(ns, '10.77.0.2', 500, 240_000)) as {
                  ok: number;
                  failures: Record<string, number>;
                };
                expect(report.failures).toEqual({});
                expect(report.ok).toBe(500);
                let stats = await nextStats(output);
                for (let i = 0; i < 30 && stats.get('tcp.table') !== 0; i++) stats = await nextStats(output);
                expect(stats.get('tcp.table')).toBe(0);
                expect(stats.get('tcp.conn.open')).toBe(500);
                expect(stats.get('tcp.conn.closed')).toBe(500);
              } catch (e) {
                failure = e;
              }
            },
          },
        );
        if (failure !== undefined) throw failure;
        expect(code).toBe(130);
      } finally {
        ip('netns', 'del', ns);
      }
    },
    600_000,
  );

  it('on 1 CPU (microvm): the server shares CPU 0 with the stack', async () => {
    expect(runToro(['build', '--cpus', '1'], { cwd: dir, timeoutMs: 120_000 }).status).toBe(0);
    await withGuest(['--machine', 'microvm'], async (port) => {
      expect((await step('nc', () => nc(port, Buffer.from('one cpu\n')))).toString()).toBe('one cpu\n');
      const big = pattern(1 << 20, 3);
      expect((await step('1 MiB', () => roundTrip(port, big, 120_000))).equals(big)).toBe(true);
    });
  }, 300_000);

  it('answers the same under toro dev -p', async () => {
    const port = await freePort();
    let echoed = '';
    const code = await interruptToro(['dev', '-p', `${port}:7`, '--cpus', '2'], {
      cwd: dir,
      readyText: 'echo: listening on port 7',
      whileRunning: async () => {
        echoed = (await nc(port, Buffer.from('under node\n'))).toString();
      },
    });
    expect(echoed).toBe('under node\n');
    expect(code).toBe(130);
  }, 60_000);
});
