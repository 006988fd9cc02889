/**
 * @toro/sdk: the typed API a Toro service imports.
 *
 * The service contract (the entry point, the project configuration) and the machine's API: CPUs and NUMA
 * nodes (cpu.ts), cooperative threads and spawning on other CPUs (thread.ts), channels (channel.ts),
 * sockets (net.ts), HTTP serving (serve.ts), dedication of resources to CPUs (dedicate.ts) and stopping (process.ts).
 *
 * Every call goes to the backend the host installed (backend.ts): under Node.js that is `toro dev`'s
 * worker-thread backend (src/node/), in a unikernel image the compiled runtime. The same program runs on
 * both unchanged. Every asynchronous call is a point where a cooperative thread may give up its CPU.
 */
import './globals.js';

// HTTP: the Web-standard classes and the router are @toro/http's on both backends; serve() runs its server
// on this backend's sockets and threads (./serve.ts).
export {
  type Handler,
  Headers,
  type HeadersInit,
  type Params,
  Request,
  type RequestInit,
  Response,
  type ResponseInit,
  type RouteHandler,
  Router,
  type StaticOptions,
  serveStatic,
  URL,
  URLSearchParams,
  type URLSearchParamsInit,
} from '@toro/http';
export {
  type Channel,
  ChannelClosedError,
  channel,
  type Received,
  type Selected,
  select,
} from './channel.js';
export {
  type CpuInfo,
  cpus,
  currentCpu,
  type MemoryStats,
  memoryStats,
  type NumaNode,
  numaNodes,
} from './cpu.js';
export { dedicate, type Resource } from './dedicate.js';
export { embeddedFiles } from './files.js';
export {
  type Connection,
  type ConnectOptions,
  connect,
  type Datagram,
  type Listener,
  type ListenOptions,
  listen,
  networkCpu,
  SocketError,
  type SocketErrorCode,
  type UdpOptions,
  type UdpSocket,
  udpSocket,
} from './net.js';
export { exit } from './process.js';
export { type ServeOptions, type Server, serve } from './serve.js';
export { type Cloneable, sleep, spawn, spawnOn, type Thread, yieldNow } from './thread.js';

/**
 * What a service's main module exports as default: it runs on CPU 0 once the machine is up, and what it
 * returns (or resolves to) is the exit code.
 */
export type Main = () => ExitStatus | Promise<ExitStatus>;

/** The VM's exit code: a number from 0 to 255, or nothing for 0. */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets a main that returns nothing type-check.
export type ExitStatus = number | undefined | void;

/** The contents of `toro.json`, the file that makes a folder a Toro project. */
export interface ToroConfig {
  /** Service name: lower-case letters, digits and dashes; also the image's file name. */
  name: string;
  /** The TypeScript entry file, relative to the project folder (usually "src/main.ts"). */
  entry: string;
  /** CPUs the VM gets unless `toro build --cpus` or `toro run --cpus` says otherwise. */
  cpus: number;
  /** Guest memory, e.g. "128M" or "1G". */
  memory: string;
  /** A folder of the project whose files are compiled into the image (`embeddedFiles()`), e.g. "public". */
  files?: string;
}
