/**
 * The SDK's sockets on the node backend, through a whole program (programs/net-echo.ts) run the way
 * `toro dev` runs it, with real clients: Node's net and the real `nc`; and a port shared by two CPUs
 * (programs/shared-port.ts). The program is a child process
 * bounded by a timeout and stopped by its PID; it listens on 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../dist/node/run.js', import.meta.url));
const PROGRAM = fileURLToPath(new URL('./programs/net-echo.ts', import.meta.url));
const SHARED = fileURLToPath(new URL('./programs/shared-port.ts', import.meta.url));

/** Sends `data` and half-closes: the client's own port and all the server sent until it ended. */
function exchange(port: number, data: string): Promise<{ localPort: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.on('connect', () => s.end(data));
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => resolve({ localPort: s.localPort ?? 0, text: Buffer.concat(chunks).toString() }));
  });
}

/** Runs `program` on `cpus` CPUs as toro dev does; its stdout so far, and how it exited. */
function runProgram(program: string, cpus: number) {
  const child = spawn(process.execPath, [RUN, '--cpus', String(cpus), program], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  const io = { out: '', err: '' };
  child.stdout.on('data', (c) => {
    io.out += c;
  });
  child.stderr.on('data', (c) => {
    io.err += c;
  });
  const exited = new Promise<number | null>((r) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      r(code);
    }),
  );
  const printed = (re: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        const m = re.exec(io.out);
        if (m) resolve(m);
        else if (child.exitCode !== null) reject(new Error(`exited: ${io.out}${io.err}`));
        else setTimeout(look, 20);
      };
      look();
    });
  return { io, exited, printed, kill: () => child.kill('SIGKILL') };
}

function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    s.on('connect', () => s.end(data));
    s.on('data', (c) => chunks.push(c));
    s.on('error', reject);
    s.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function nc(port: number, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nc', ['-N', '-w', '10', '127.0.0.1', String(port)]);
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.end(input);
  });
}

it('listen, connect and UDP on the node backend answer real clients', { timeout: 60_000 }, async () => {
  const p = runProgram(PROGRAM, 2);
  try {
    const port = Number((await p.printed(/listening (\d+)/))[1]);
    const out = p.io.out;
    expect(out).toContain('network cpu 0 then 1');
    expect(out).toContain('connect to port 1: ECONNREFUSED');
    expect(out).toContain('udp: datagram from port a');
    expect(await nc(port, 'hello, toro\n')).toBe('hello, toro\n');
    const big = randomBytes(1 << 20);
    expect((await roundTrip(port, big)).equals(big)).toBe(true);
    const many = await Promise.all(
      Array.from({ length: 20 }, (_, i) => roundTrip(port, Buffer.from(`c${i}\n`))),
    );
    expect(many.map(String)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}\n`));
    await roundTrip(port, Buffer.from('quit\n')).catch(() => Buffer.alloc(0));
    expect(await p.exited).toBe(0);
    expect(p.io.err).toBe('');
  } finally {
    p.kill();
  }
});

it('listens with reusePort on two CPUs: connections alternate, each sees its real client, half-closes pass', {
  timeout: 60_000,
}, async () => {
  const p = runProgram(SHARED, 3);
  try {
    const port = Number((await p.printed(/listening (\d+)/))[1]);
    expect(p.io.out).toContain('plain listen: EADDRINUSE');
    const cpusSeen: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { localPort, text } = await exchange(port, `hello ${i}\n`);
      const [head, ...rest] = text.split('\n');
      const m = /^cpu (\d) peer 127\.0\.0\.1:(\d+) local (\d+)$/.exec(head);
      expect(m, text).not.toBeNull();
      cpusSeen.push(m?.[1] ?? '');
      expect(Number(m?.[2])).toBe(localPort);
      expect(Number(m?.[3])).toBe(port);
      expect(rest.join('\n')).toBe(`hello ${i}\n`);
    }
    // In turn: CPU 1, CPU 2, CPU 1 … from whichever came first.
    expect(new Set(cpusSeen)).toEqual(new Set(['1', '2']));
    for (let i = 1; i < cpusSeen.length; i++) expect(cpusSeen[i]).not.toBe(cpusSeen[i - 1]);
    const big = randomBytes(1 << 20).toString('latin1');
    const back = await exchange(port, big);
    expect(back.text.slice(back.text.indexOf('\n') + 1)).toBe(big);
    await exchange(port, 'quit\n');
    expect(await p.exited).toBe(0);
    expect(p.io.err).toBe('');
  } finally {
    p.kill();
  }
});
