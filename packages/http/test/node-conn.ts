/**
 * A node:net socket as an HttpConnection, so the server code is tested against real clients (curl, ab,
 * wrk) on 127.0.0.1 without a VM: the SDK's sockets adapt the same way on both of Toro's backends.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type Handler, type HttpConnection, serveConnection } from '../src/index.js';

class NodeConnection implements HttpConnection {
  private chunks: Uint8Array[] = [];
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(new Uint8Array(d));
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (e) => {
      this.failure = e;
      this.wake();
    });
    socket.on('timeout', () => {
      this.failure = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) w();
  }

  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      const next = this.chunks.shift();
      if (next !== undefined) return next;
      if (this.failure !== null) throw this.failure;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(data, (e) => (e ? reject(e) : resolve()));
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  setTimeout(ms: number): void {
    this.socket.setTimeout(ms);
  }
}

/** Serves `handler` on 127.0.0.1 (a free port); the log lines land in `log`. */
export async function startServer(
  handler: Handler,
  log: string[],
  timeoutMs = 10_000,
): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    void serveConnection(new NodeConnection(socket), handler, {
      now: () => Date.UTC(2026, 11, 7, 10, 0, 0),
      log: (l) => log.push(l),
      timeoutMs,
      limits: { maxBodyBytes: 4 << 20 },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}
