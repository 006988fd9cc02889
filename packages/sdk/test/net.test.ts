/**
 * The SDK's sockets on the node backend, through a whole program (programs/net-echo.ts) run the way
 * `toro dev` runs it, with real clients: Node's net and the real `nc`. The program is a child process
 * bounded by a timeout and stopped by its PID; it listens on 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../dist/node/run.js', import.meta.url));
const PROGRAM = fileURLToPath(new URL('./programs/net-echo.ts', import.meta.url));

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
  const child = spawn(process.execPath, [RUN, '--cpus', '2', PROGRAM], { stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => {
    err += c;
  });
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('close', () => reject(new Error(`exited before listening: ${out}${err}`)));
    });
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
    expect(await exited).toBe(0);
    expect(err).toBe('');
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
});
