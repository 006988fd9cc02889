/**
 * The backend interface: what a runtime must provide for the API in this package to work. The API
 * functions (cpu.ts, thread.ts, channel.ts, dedicate.ts, process.ts) are thin and call the backend that
 * the host installed before the service's code ran:
 *
 * - under Node.js (`toro dev`), `@toro/sdk/node` starts one worker thread per CPU and each installs its
 *   own node backend (src/node/cpu.ts) before importing any service module;
 * - in a Toro image, the compiled runtime will install its kernel-backed implementation the same way.
 *
 * The backend lives on `globalThis` under a registered symbol so that one isolate has exactly one, even if
 * a bundler or a symlinked node_modules loads this file twice.
 */
import type { Channel } from './channel.js';
import type { CpuInfo, MemoryStats, NumaNode } from './cpu.js';
import type { Resource } from './dedicate.js';
import type { Connection, ConnectOptions, Listener, ListenOptions, UdpOptions, UdpSocket } from './net.js';
import type { Thread } from './thread.js';

/** A function as the API passes it to the backend: arguments and result are the backend's to check. */
export type AnyFunction = (...args: never[]) => unknown;

export interface Backend {
  cpus(): readonly CpuInfo[];
  currentCpu(): number;
  numaNodes(): readonly NumaNode[];
  memoryStats(node: number): MemoryStats;
  spawn(fn: AnyFunction, args: readonly unknown[]): Thread<unknown>;
  spawnOn(cpu: number, fn: AnyFunction, args: readonly unknown[]): Thread<unknown>;
  yieldNow(): Promise<void>;
  sleep(ms: number): Promise<void>;
  channel(capacity: number): Channel<unknown>;
  select(channels: readonly Channel<unknown>[]): Promise<{ index: number; done: boolean; value: unknown }>;
  dedicate(resource: Resource, cpu: number): Promise<void>;
  exit(code: number): never;
  /** Sockets (net.ts); arguments are already checked. */
  listen(port: number, options: ListenOptions): Promise<Listener>;
  connect(host: string, port: number, options: ConnectOptions): Promise<Connection>;
  udpSocket(options: UdpOptions): Promise<UdpSocket>;
  networkCpu(): number;
  /** The files compiled into the image (files.ts), a new Map each call. */
  embeddedFiles(): ReadonlyMap<string, Uint8Array>;
}

const KEY = Symbol.for('toro.sdk.backend');

type WithBackend = typeof globalThis & { [KEY]?: Backend };

/** Called once per isolate by the host, before any service module runs. */
export function installBackend(backend: Backend): void {
  (globalThis as WithBackend)[KEY] = backend;
}

/** The installed backend; a clear error when the service is run without one (e.g. plain `node main.js`). */
export function backend(): Backend {
  const b = (globalThis as WithBackend)[KEY];
  if (!b) {
    throw new Error(
      '@toro/sdk: no Toro backend is running in this process. Run the service with `toro dev` (Node.js) ' +
        'or `toro build && toro run` (unikernel).',
    );
  }
  return b;
}

/** Throws a RangeError unless `cpu` names a CPU of this machine. */
export function checkCpu(cpu: number, what: string): void {
  const count = backend().cpus().length;
  if (!Number.isInteger(cpu) || cpu < 0 || cpu >= count) {
    throw new RangeError(`${what}: CPU ${cpu} does not exist (this machine has CPUs 0 to ${count - 1})`);
  }
}
