/**
 * One CPU of the node backend: the `Backend` that a worker thread installs for the service code it runs.
 * It owns this CPU's channel homes, its threads' pending joins and channel replies, its share of the
 * console, and its ends of the matrix (one MessagePort to every other CPU).
 *
 * Threads are async functions on the worker's event loop: they run until they await, and resume in the
 * order their promises settle, which is the fairness the SDK documents.
 */
import { writeSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import type { AnyFunction, Backend } from '../backend.js';
import type { Channel } from '../channel.js';
import type { CpuInfo, MemoryStats, NumaNode } from '../cpu.js';
import type { Resource } from '../dedicate.js';
import type { Connection, ConnectOptions, Listener, ListenOptions, UdpOptions, UdpSocket } from '../net.js';
import type { Thread } from '../thread.js';
import { ChannelHome, NodeChannel } from './channels.js';
import { fromWire, type HasRef, toWire } from './clone.js';
import { ConsoleState, type Line } from './console.js';
import { type EmbeddedFileEntry, readEmbeddedFolder } from './files.js';
import { NodeNet } from './net.js';
import type {
  ChannelOp,
  ChannelOpBody,
  ChannelReply,
  CpuStart,
  FromCpu,
  MatrixMessage,
  ToCpu,
} from './protocol.js';
import type { Shared } from './shared-ports.js';

/** Where `prepare.ts` records, on each top-level exported function, the module and name it is found by. */
export const EXPORT_TAG = Symbol.for('toro.export');
type Tagged = { [EXPORT_TAG]?: { url: string; name: string } };

/** Thrown by `exit()` to unwind the calling thread; the thread runner swallows it. */
export class ExitSignal {
  constructor(readonly code: number) {}
}

export class NodeCpu implements Backend {
  readonly self: number;
  private readonly cpuList: CpuInfo[];
  private readonly nodeList: NumaNode[];
  private readonly ports: Array<MessagePort | null>;
  private readonly homes = new Map<number, ChannelHome>();
  private nextChannel = 0;
  private nextReq = 0;
  private readonly replies = new Map<number, (r: ChannelReply) => void>();
  private nextWatch = 0;
  private readonly watches = new Map<number, () => void>();
  private nextThread = 0;
  private readonly joins = new Map<number, (wire: unknown) => void>();
  private readonly ownerWaits: Array<{ resource: Resource; cpu: number; done: () => void }> = [];
  private netOwner = 0;
  private readonly net: NodeNet;
  /** Listens with reusePort waiting for the machine's answer (net.ts, shared-ports.ts). */
  private readonly shares = new Map<number, (answer: Shared) => void>();
  private nextShare = 0;
  private rotor = 0;
  private stopping = false;
  private readonly filesDir: string | undefined;
  /** The embedded folder, read at the first embeddedFiles() (./files.ts). */
  private files: EmbeddedFileEntry[] | undefined;
  readonly console: ConsoleState;

  constructor(
    start: CpuStart,
    private readonly toMachine: (m: FromCpu) => void,
  ) {
    this.self = start.cpu;
    this.ports = start.ports;
    this.filesDir = start.filesDir;
    this.net = new NodeNet(start.forwards, {
      share: (host, port, backlog, member) =>
        new Promise((resolve) => {
          const req = this.nextShare++;
          this.shares.set(req, resolve);
          this.toMachine({ k: 'share', cpu: this.self, req, host, port, backlog, member });
        }),
      unshare: (host, port, member) => this.toMachine({ k: 'unshare', cpu: this.self, host, port, member }),
    });
    this.cpuList = start.nodes.map((node, id) => ({ id, node }));
    const nodeCount = Math.max(...start.nodes) + 1;
    this.nodeList = Array.from({ length: nodeCount }, (_, id) => ({
      id,
      cpus: this.cpuList.filter((c) => c.node === id).map((c) => c.id),
    }));
    this.console = new ConsoleState({
      self: this.self,
      cpuCount: this.cpuList.length,
      sendLine: (to, line) => this.post(to, { k: 'line', ...line }),
      sendHandoff: (to, next, held) => this.post(to, { k: 'handoff', next, held }),
      write: start.writeConsole ? writeFully : (fd, text) => this.toMachine({ k: 'out', fd, text }),
      drained: () => this.toMachine({ k: 'drained' }),
    });
    this.ports.forEach((port, cpu) => {
      port?.on('message', (m: MatrixMessage) => this.onMatrix(cpu, m));
    });
  }

  // ---- Backend: CPUs and memory

  cpus(): readonly CpuInfo[] {
    return this.cpuList;
  }
  currentCpu(): number {
    return this.self;
  }
  numaNodes(): readonly NumaNode[] {
    return this.nodeList;
  }
  memoryStats(node: number): MemoryStats {
    const n = this.nodeList.length;
    return { node, totalBytes: Math.floor(totalmem() / n), freeBytes: Math.floor(freemem() / n) };
  }

  // ---- Backend: threads

  spawn(fn: AnyFunction, args: readonly unknown[]): Thread<unknown> {
    const result = Promise.resolve().then(() => (fn as (...a: unknown[]) => unknown)(...args));
    return this.thread(this.self, result);
  }

  spawnOn(cpu: number, fn: AnyFunction, args: readonly unknown[]): Thread<unknown> {
    const where = (fn as Tagged)[EXPORT_TAG];
    if (typeof fn !== 'function' || !where) {
      const name = typeof fn === 'function' && fn.name ? fn.name : 'this function';
      throw new TypeError(
        `spawnOn(${cpu}, ${name}): a function that runs on another CPU must be declared \`export function\` ` +
          'at the top level of a module, so that CPU can load its own copy by module and name ' +
          `(${name} is ${typeof fn === 'function' ? 'not a top-level export' : 'not a function'})`,
      );
    }
    const wire = this.toWire([...args], 'argument') as unknown[];
    if (cpu === this.self) {
      const copy = this.fromWire(structuredClone(wire)) as unknown[];
      const value = Promise.resolve().then(() => (fn as (...a: unknown[]) => unknown)(...copy));
      const copied = value.then((v) => this.fromWire(structuredClone(this.toWire(v, 'result'))));
      return this.thread(cpu, copied);
    }
    const tid = this.nextThread++;
    const joined = new Promise<unknown>((resolve) => {
      this.joins.set(tid, (w) => resolve(this.fromWire(w)));
    });
    this.post(cpu, { k: 'spawn', tid, url: where.url, name: where.name, args: wire });
    return { cpu, join: () => joined };
  }

  yieldNow(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** A thread running `result`: an exception that escapes it stops the machine. */
  private thread(cpu: number, result: Promise<unknown>): Thread<unknown> {
    const settled = result.catch((e: unknown) => {
      this.uncaught(e);
      return new Promise<never>(() => {});
    });
    return { cpu, join: () => settled };
  }

  // ---- Backend: channels

  channel(capacity: number): Channel<unknown> {
    const id = this.nextChannel++;
    this.homes.set(id, new ChannelHome(capacity));
    return new NodeChannel({ home: this.self, id, capacity }, this);
  }

  async select(
    channels: readonly Channel<unknown>[],
  ): Promise<{ index: number; done: boolean; value: unknown }> {
    const chans = channels.map((c) => {
      if (!(c instanceof NodeChannel)) throw new TypeError('select: every element must be a channel');
      return c;
    });
    const first = this.rotor++ % chans.length;
    for (;;) {
      if (this.stopping) await never();
      const watch = this.nextWatch++;
      const woken = new Promise<void>((resolve) => this.watches.set(watch, resolve));
      const watching: NodeChannel[] = [];
      const unwatch = (): void => {
        this.watches.delete(watch);
        for (const c of watching) void this.op(c.home, { op: 'unwatch', id: c.ref.id, watch });
      };
      // One poll at a time, so that at most one channel gives up a message.
      for (let k = 0; k < chans.length; k++) {
        const index = (first + k) % chans.length;
        const c = chans[index];
        const reply = await this.op(c.home, { op: 'poll', id: c.ref.id, watch });
        if (reply.kind === 'empty') {
          watching.push(c);
          continue;
        }
        unwatch();
        return { index, ...c.received(reply) };
      }
      await woken;
      unwatch();
    }
  }

  /** ChannelTransport: runs an operation at the channel's home. */
  op(home: number, op: ChannelOpBody): Promise<ChannelReply> {
    if (this.stopping) return never();
    if (home === this.self) {
      // A local send copies here; a remote one is copied by postMessage.
      const local = op.op === 'send' ? { ...op, value: structuredClone(op.value) } : op;
      return new Promise((resolve) => this.runOp(this.self, { ...local, req: -1 } as ChannelOp, resolve));
    }
    if (op.op === 'close' || op.op === 'unwatch') {
      this.post(home, { k: 'chan', msg: { ...op, req: -1 } as ChannelOp });
      return Promise.resolve({ kind: 'sent' });
    }
    const req = this.nextReq++;
    return new Promise((resolve) => {
      this.replies.set(req, resolve);
      this.post(home, { k: 'chan', msg: { ...op, req } as ChannelOp });
    });
  }

  toWire(value: unknown, what = 'message'): unknown {
    return toWire(value, (v): v is HasRef => v instanceof NodeChannel, what);
  }

  fromWire(value: unknown): unknown {
    return fromWire(value, (ref) => new NodeChannel(ref, this));
  }

  /** Runs a channel operation at its home (this CPU) for CPU `from`; `reply` answers it. */
  private runOp(from: number, msg: ChannelOp, reply: (r: ChannelReply) => void): void {
    const home = this.homes.get(msg.id);
    if (!home) throw new Error(`toro: CPU ${this.self} has no channel ${msg.id}`);
    const key = `${from}:${msg.op === 'poll' || msg.op === 'unwatch' ? msg.watch : ''}`;
    switch (msg.op) {
      case 'send':
        home.send(msg.value, reply);
        return;
      case 'recv':
        home.recv(reply);
        return;
      case 'poll': {
        const watch = msg.watch;
        const wake =
          from === this.self
            ? () => this.watches.get(watch)?.()
            : () => this.post(from, { k: 'ready', watch });
        home.poll(key, wake, reply);
        return;
      }
      case 'unwatch':
        home.unwatch(key);
        return;
      case 'close':
        home.close();
        reply({ kind: 'sent' });
        return;
    }
  }

  // ---- Backend: dedication and stopping

  dedicate(resource: Resource, cpu: number): Promise<void> {
    return new Promise((done) => {
      this.ownerWaits.push({ resource, cpu, done });
      this.toMachine({ k: 'dedicate', resource, cpu });
    });
  }

  // ---- Backend: sockets (all Node socket code is in net.ts; this CPU owns the sockets it opens)

  listen(port: number, options: ListenOptions): Promise<Listener> {
    return this.net.listen(port, options);
  }
  connect(host: string, port: number, options: ConnectOptions): Promise<Connection> {
    return this.net.connect(host, port, options);
  }
  udpSocket(options: UdpOptions): Promise<UdpSocket> {
    return this.net.udpSocket(options);
  }
  networkCpu(): number {
    return this.netOwner;
  }
  embeddedFiles(): ReadonlyMap<string, Uint8Array> {
    if (this.files === undefined)
      this.files = this.filesDir === undefined ? [] : readEmbeddedFolder(this.filesDir);
    return new Map(this.files.map((f) => [f.path, f.bytes]));
  }

  exit(code: number): never {
    this.toMachine({ k: 'exit', cpu: this.self, code });
    this.stopping = true;
    throw new ExitSignal(code);
  }

  /** An exception escaped a thread (or the CPU's event loop): report it and stop the machine. */
  uncaught(e: unknown): void {
    if (e instanceof ExitSignal || this.stopping) return;
    this.stopping = true;
    const report = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : `Uncaught ${String(e)}`;
    this.toMachine({ k: 'crash', cpu: this.self, report });
  }

  // ---- Messages

  /** A message from the machine. */
  onMachine(m: ToCpu, runMain: (url: string) => void): void {
    switch (m.k) {
      case 'main':
        runMain(m.url);
        return;
      case 'owner': {
        // The console's owner writes every line; net0's only answers networkCpu() here.
        if (m.resource === 'console') this.console.setOwner(m.cpu);
        else this.netOwner = m.cpu;
        const mine = (w: { resource: Resource; cpu: number }): boolean =>
          w.resource === m.resource && w.cpu === m.cpu;
        const ready = this.ownerWaits.filter(mine);
        this.ownerWaits.splice(0, this.ownerWaits.length, ...this.ownerWaits.filter((w) => !mine(w)));
        for (const w of ready) w.done();
        return;
      }
      case 'quiesce':
        this.stopping = true;
        this.console.quiesce();
        this.toMachine({ k: 'count', cpu: this.self, lines: this.console.sent });
        return;
      case 'drain':
        this.console.drain(m.expect);
        return;
      case 'shared': {
        const done = this.shares.get(m.req);
        this.shares.delete(m.req);
        done?.(m.answer);
        return;
      }
    }
  }

  private onMatrix(from: number, m: MatrixMessage): void {
    switch (m.k) {
      case 'chan':
        this.runOp(from, m.msg, (reply) => {
          if (m.msg.req >= 0) this.post(from, { k: 'reply', req: m.msg.req, reply });
        });
        return;
      case 'reply': {
        const resolve = this.replies.get(m.req);
        this.replies.delete(m.req);
        resolve?.(m.reply);
        return;
      }
      case 'ready':
        this.watches.get(m.watch)?.();
        return;
      case 'spawn':
        return void this.runSpawned(from, m.tid, m.url, m.name, m.args);
      case 'joined': {
        const resolve = this.joins.get(m.tid);
        this.joins.delete(m.tid);
        resolve?.(m.value);
        return;
      }
      case 'line':
        this.console.accept(m satisfies Line);
        return;
      case 'handoff':
        this.console.takeOver(m.next, m.held);
        return;
    }
  }

  /** A thread another CPU started here: load our own copy of its module, run the export, send the result. */
  private async runSpawned(
    from: number,
    tid: number,
    url: string,
    name: string,
    args: unknown[],
  ): Promise<void> {
    try {
      const mod = (await import(url)) as Record<string, unknown>;
      const fn = mod[name];
      if (typeof fn !== 'function') throw new TypeError(`${url} has no exported function ${name}`);
      const value = await (fn as (...a: unknown[]) => unknown)(...(this.fromWire(args) as unknown[]));
      if (this.stopping) return;
      this.post(from, { k: 'joined', tid, value: this.toWire(value, 'result') });
    } catch (e) {
      this.uncaught(e);
    }
  }

  private post(to: number, m: MatrixMessage): void {
    const port = this.ports[to];
    if (!port) throw new Error(`toro: CPU ${this.self} has no link to CPU ${to}`);
    port.postMessage(m);
  }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** Writes all of `text` to fd 1 or 2, waiting out EAGAIN on a non-blocking pipe. */
function writeFully(fd: 1 | 2, text: string): void {
  let buf = Buffer.from(`${text}\n`);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
