/**
 * A node:net socket as an HttpConnection, so the server code is tested against real clients (curl, ab,
 * wrk) on 127.0.0.1 without a VM: the SDK's sockets adapt the same way on both of Toro's backends.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import {
  type Handler,
  type HttpConnection,
  type HttpListener,
  type ServeOptions,
  type ServePlatform,
  type Server,
  serveOn,
} from '../src/index.js';

class NodeConnection implements HttpConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;

  private chunks: Uint8Array[] = [];
  private ended = false;
  private failure: Error | null = null;
  private waiter: (() => void) | null = null;

  constructor(private readonly socket: Socket) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    socket.on('data', (d: Buffer) => {
      this.chunks.push(new Uint8Array(d));
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      // Closed here (or reset) before the peer's end came: a pending read fails, as the SDK's does.
      if (!this.ended && this.failure === null) this.failure = new Error('the connection is closed');
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

  end(): Promise<void> {
    return new Promise((resolve) => this.socket.end(() => resolve()));
  }

  close(): void {
    this.socket.end();
    this.socket.destroySoon();
  }

  setTimeout(ms: number): void {
    this.socket.setTimeout(ms);
  }
}

class NodeListener implements HttpListener {
  private readonly ready: NodeConnection[] = [];
  private waiter: ((c: NodeConnection | undefined) => void) | null = null;
  private closed = false;

  constructor(private readonly server: NetServer) {
    server.on('connection', (socket) => {
      const c = new NodeConnection(socket);
      const w = this.waiter;
      this.waiter = null;
      if (w !== null) w(c);
      else this.ready.push(c);
    });
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  accept(): Promise<NodeConnection | undefined> {
    const next = this.ready.shift();
    if (next !== undefined || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): Promise<void> {
    this.closed = true;
    this.waiter?.(undefined);
    this.waiter = null;
    this.server.close(); // stops listening now (its callback waits for the open connections)
    return Promise.resolve();
  }
}

/** node:net and the event loop as the server's platform: 127.0.0.1 only, a fixed clock for `Date`. */
export function nodePlatform(log: string[]): ServePlatform {
  return {
    async listen(port, host, backlog) {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(port, host ?? '127.0.0.1', backlog, resolve));
      return new NodeListener(server);
    },
    start(task) {
      void task();
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    latch() {
      let open = (): void => undefined;
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      return { wait: () => opened, open: () => open() };
    },
    now: () => Date.UTC(2026, 11, 7, 10, 0, 0),
    clock: () => performance.now(),
    log: (l) => log.push(l),
  };
}

/** Serves `handler` on 127.0.0.1 (a free port) with serveOn; the log lines land in `log`. */
export function startServer(handler: Handler, log: string[], options: ServeOptions = {}): Promise<Server> {
  return serveOn(nodePlatform(log), { port: 0, limits: { maxBodyBytes: 4 << 20 }, ...options }, handler);
}
