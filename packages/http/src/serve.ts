/**
 * An HTTP server on a listening socket: the accept loop, a thread per connection (./server.ts serves
 * each), a bound on open connections, and graceful shutdown. Written against `ServePlatform` — how to
 * listen, start a thread, wait, read the clock and log — which @toro/sdk gives on both of Toro's backends (its
 * sockets and threads under `toro dev`, the image's stack and scheduler when compiled), so the server
 * is one piece of code everywhere.
 */
import type { HttpLimits } from './limits.js';
import type { Handler, HttpConnection } from './server.js';
import { serveConnection } from './server.js';

/** A connection as a listener hands it out. */
export interface AcceptedConnection extends HttpConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** A listening socket. */
export interface HttpListener {
  readonly port: number;
  /** The next connection; undefined once the listener is closed. */
  accept(): Promise<AcceptedConnection | undefined>;
  close(): Promise<void>;
}

/** A one-time event: `wait()` returns once `open()` was called (at once after that). */
export interface Latch {
  wait(): Promise<void>;
  open(): void;
}

/** What the server needs from the machine. */
export interface ServePlatform {
  listen(
    port: number,
    host: string | undefined,
    backlog: number | undefined,
    reusePort: boolean,
  ): Promise<HttpListener>;
  /** Runs `task` in a thread of its own on this CPU. */
  start(task: () => Promise<void>): void;
  /** Waits `ms` milliseconds (other threads run meanwhile). */
  sleep(ms: number): Promise<void>;
  /** A new latch, for threads of this CPU to wait on without polling. */
  latch(): Latch;
  /** Milliseconds since 1970. */
  now(): number;
  /** Milliseconds on a clock for timeouts (default: `now`). */
  clock?(): number;
  log(line: string): void;
}

/** How `serve` serves. */
export interface ServeOptions {
  /** The TCP port (default 80; 0: a free one, see `Server.port`). */
  port?: number;
  /** The address to bind (default: the platform's, 127.0.0.1 under `toro dev`). */
  host?: string;
  /** Connections waiting to be accepted (default: the platform's). */
  backlog?: number;
  /**
   * Share the port with the other servers (and listens) on it that say so too, each new connection going
   * to one of them in turn: how several CPUs serve one port, each calling `serve` with its own handler
   * in a function started there with `spawnOn` (the SDK's `ListenOptions.reusePort`). Default false.
   */
  reusePort?: boolean;
  /** Request size limits; a request past one is answered 413, 414 or 431. */
  limits?: Partial<HttpLimits>;
  /** Read inactivity after which an unfinished request gets 408 and an idle connection is closed (default 10 s). */
  timeoutMs?: number;
  /** The most a request's head may take to arrive, however steadily it trickles in (default 10 s): then 408. */
  headerTimeoutMs?: number;
  /** Connections served at once (default 1024); the next waits in the listener's backlog. */
  maxConnections?: number;
  /** The `Server` header ('' for none; default 'Toro'). */
  server?: string;
  /** A line per request on the console: `remote "METHOD target version" status bytes` (default off). */
  accessLog?: boolean;
  /** Called once the server has stopped, after `shutdown()` (the graceful shutdown hook). */
  onShutdown?: () => void | Promise<void>;
}

/** A running server. */
export interface Server {
  /** The port it listens on. */
  readonly port: number;
  /** Connections open now. */
  readonly connections: number;
  /**
   * Stops accepting, lets each open connection finish the request it is serving (idle keep-alive
   * connections are closed at once), waits up to `graceMs` (default 10 s) for them, then
   * runs `onShutdown`. Resolves once all of it is done.
   */
  shutdown(graceMs?: number): Promise<void>;
  /** Resolves once the server has stopped (after `shutdown`). */
  stopped(): Promise<void>;
}

/** How long the accept loop waits after an accept failed before it tries again. */
const RETRY_MS = 10;

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

class RunningServer implements Server {
  readonly port: number;
  private stopping = false;
  private readonly open: AcceptedConnection[] = [];
  /** The open connections waiting for a new request (closed at once by shutdown). */
  private readonly idle: AcceptedConnection[] = [];
  /** Opened when a connection ends or the grace period runs out: what a wait for fewer connections waits on. */
  private freed: Latch | null = null;
  private readonly done: Latch;
  private readonly clock: () => number;

  constructor(
    private readonly listener: HttpListener,
    private readonly platform: ServePlatform,
    private readonly handler: Handler,
    private readonly options: ServeOptions,
  ) {
    this.port = listener.port;
    this.done = platform.latch();
    const clock = platform.clock;
    this.clock = clock === undefined ? () => platform.now() : () => clock();
  }

  get connections(): number {
    return this.open.length;
  }

  /** The accept loop: runs in a thread of its own until the listener is closed. */
  async acceptLoop(): Promise<void> {
    const max = this.options.maxConnections ?? 1024;
    for (;;) {
      while (this.open.length >= max && !this.stopping) await this.change();
      if (this.stopping) return;
      let conn: AcceptedConnection | undefined;
      try {
        conn = await this.listener.accept();
      } catch (e) {
        if (this.stopping) return;
        this.platform.log(`http: accept failed: ${(e as Error).message}`);
        await this.platform.sleep(RETRY_MS);
        continue;
      }
      if (conn === undefined) return;
      this.begin(conn);
    }
  }

  /** Waits until a connection ends (or the shutdown's grace period runs out). */
  private async change(): Promise<void> {
    if (this.freed === null) this.freed = this.platform.latch();
    await this.freed.wait();
  }

  private changed(): void {
    const f = this.freed;
    this.freed = null;
    if (f !== null) f.open();
  }

  private begin(conn: AcceptedConnection): void {
    this.open.push(conn);
    this.platform.start(async () => {
      await this.serveOne(conn);
    });
  }

  private async serveOne(conn: AcceptedConnection): Promise<void> {
    try {
      await serveConnection(conn, this.handler, {
        limits: this.options.limits,
        timeoutMs: this.options.timeoutMs,
        headerTimeoutMs: this.options.headerTimeoutMs,
        server: this.options.server,
        now: () => this.platform.now(),
        clock: this.clock,
        log: (line) => this.platform.log(line),
        accessLog: this.options.accessLog,
        remote: conn.remoteAddress,
        stopping: () => this.stopping,
        idle: (idle) => {
          if (idle && this.stopping) conn.close();
          else if (idle) this.idle.push(conn);
          else remove(this.idle, conn);
        },
      });
    } finally {
      remove(this.open, conn);
      remove(this.idle, conn);
      this.changed();
    }
  }

  async shutdown(graceMs?: number): Promise<void> {
    if (this.stopping) return await this.stopped();
    this.stopping = true;
    await this.listener.close();
    for (const c of this.idle.splice(0)) c.close();
    let graceOver = false;
    this.platform.start(async () => {
      await this.platform.sleep(graceMs ?? 10_000);
      graceOver = true;
      this.changed();
    });
    while (this.open.length > 0 && !graceOver) await this.change();
    for (const c of this.open.splice(0)) c.close();
    const hook = this.options.onShutdown;
    try {
      if (hook !== undefined) await hook();
    } catch (e) {
      this.platform.log(`http: onShutdown failed: ${(e as Error).message}`);
    }
    this.done.open();
  }

  async stopped(): Promise<void> {
    await this.done.wait();
  }
}

function checkDuration(name: string, ms: number | undefined): void {
  if (ms !== undefined && !(ms >= 0))
    throw new RangeError(`serve: ${name} ${ms} is not a duration in milliseconds`);
}

/** Listens on `options.port` and serves every connection with `handler` until `shutdown()`. */
export async function serveOn(
  platform: ServePlatform,
  options: ServeOptions,
  handler: Handler,
): Promise<Server> {
  const port = options.port ?? 80;
  const max = options.maxConnections;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1))
    throw new RangeError(`serve: maxConnections ${max} is not a whole number >= 1`);
  checkDuration('timeoutMs', options.timeoutMs);
  checkDuration('headerTimeoutMs', options.headerTimeoutMs);
  const listener = await platform.listen(port, options.host, options.backlog, options.reusePort === true);
  const server = new RunningServer(listener, platform, handler, options);
  platform.start(async () => {
    await server.acceptLoop();
  });
  return server;
}
