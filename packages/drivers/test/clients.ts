/**
 * Real clients for a TCP echo service on 127.0.0.1 (a booted guest's forwarded port, or `toro dev`'s):
 * Node's net for exact bytes and many connections at once, and the real `nc`. Every client is bounded by
 * a timeout. Used by the drivers' booted tests and the CLI's template tests.
 */
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

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
