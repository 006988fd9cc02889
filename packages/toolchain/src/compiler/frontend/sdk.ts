/**
 * `@toro/sdk` as compiled services see it: the same public API as packages/sdk/src/index.ts (a test
 * holds the two export lists equal), declared here so the compiler can type-check a service without
 * the package installed, and lowered to the runtime's implementation (../runtime/lib/sdk.ts, `rt.sdk.*`,
 * every argument and result boxed) — or, for the sockets, re-exported from their TypeScript backend
 * (SDK_SOCKETS_MODULE) and HTTP from theirs (SDK_HTTP_MODULE). Functions whose compiled backend is not there yet are declared
 * too, so that a call to one is TORO2009 naming it rather than a type error.
 */
export const SDK_MODULE = '@toro/sdk';
export const SDK_FILE_NAME = '/toro-lib/sdk.d.ts';
/**
 * The sockets' compiled backend: TypeScript compiled with the service (packages/drivers/src/sockets),
 * re-exported by the declaration below under this name, which the program's resolver maps there
 * (./program.ts). The module graph brings it in only for a service that uses one of its names.
 */
export const SDK_SOCKETS_MODULE = '@toro/sdk/compiled-sockets';
/** HTTP's compiled backend (`serve`, Request, Response, Headers): packages/drivers/src/sockets/serve.ts. */
export const SDK_HTTP_MODULE = '@toro/sdk/compiled-http';

/** The SDK functions compiled services can call: each is `rt.sdk.<name>` in the runtime. */
export const SDK_COMPILED = new Set([
  'cpus',
  'currentCpu',
  'numaNodes',
  'memoryStats',
  'exit',
  'sleep',
  'yieldNow',
  'spawn',
  'spawnOn',
  'dedicate',
  'networkCpu',
  'embeddedFiles',
  // methods of the SDK's interfaces, as <Interface>_<method>
  'Thread_join',
  'channel',
  'select',
  'Channel_send',
  'Channel_recv',
  'Channel_close',
]);

export const SDK_SOURCE = `
export interface CpuInfo { readonly id: number; readonly node: number; }
export interface NumaNode { readonly id: number; readonly cpus: readonly number[]; }
export interface MemoryStats { readonly node: number; readonly totalBytes: number; readonly freeBytes: number; }
export declare function cpus(): readonly CpuInfo[];
export declare function currentCpu(): number;
export declare function numaNodes(): readonly NumaNode[];
export declare function memoryStats(node?: number): MemoryStats;
export declare function exit(code?: number): never;
export declare function sleep(ms: number): Promise<void>;
export declare function yieldNow(): Promise<void>;

export type Cloneable =
  | number
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | readonly Cloneable[]
  | ReadonlyMap<Cloneable, Cloneable>
  | ReadonlySet<Cloneable>
  | { readonly [field: string]: Cloneable };
export interface Thread<R> { readonly cpu: number; join(): Promise<R>; }
export declare function spawn<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Thread<R>;
export declare function spawnOn<A extends unknown[], R>(cpu: number, fn: (...args: A) => R | Promise<R>, ...args: A): Thread<R>;

export type Received<T> = { readonly done: false; readonly value: T } | { readonly done: true; readonly value: undefined };
export type Selected<T> = Received<T> & { readonly index: number };
export interface Channel<T> extends AsyncIterable<T> {
  readonly capacity: number;
  readonly home: number;
  send(value: T): Promise<void>;
  recv(): Promise<Received<T>>;
  close(): void;
}
export declare class ChannelClosedError extends Error { constructor(); }
export declare function channel<T>(capacity?: number): Channel<T>;
export declare function select<T>(channels: readonly Channel<T>[]): Promise<Selected<T>>;

export type Resource = 'console' | 'net0';
export declare function dedicate(resource: Resource, cpu: number): Promise<void>;

export type SocketErrorCode =
  | 'ECONNREFUSED' | 'ECONNRESET' | 'ETIMEDOUT' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'EACCES' | 'EPIPE'
  | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ENOTFOUND' | 'EMSGSIZE' | 'EINVAL' | 'CLOSED' | 'EIO';
export interface ListenOptions { host?: string; backlog?: number; reusePort?: boolean; }
export interface ConnectOptions { timeoutMs?: number; }
export interface Connection extends AsyncIterable<Uint8Array> {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  read(max?: number): Promise<Uint8Array | undefined>;
  readString(): Promise<string | undefined>;
  write(data: Uint8Array | string): Promise<void>;
  end(): Promise<void>;
  close(): void;
  setTimeout(ms: number): void;
}
export interface Listener extends AsyncIterable<Connection> {
  readonly port: number;
  accept(): Promise<Connection | undefined>;
  close(): Promise<void>;
}
export interface UdpOptions { port?: number; host?: string; }
export interface Datagram { readonly data: Uint8Array; readonly host: string; readonly port: number; }
export interface UdpSocket {
  readonly port: number;
  send(data: Uint8Array | string, host: string, port: number): Promise<void>;
  receive(): Promise<Datagram>;
  close(): void;
}
export { listen, connect, udpSocket, SocketError } from '${SDK_SOCKETS_MODULE}';
export declare function networkCpu(): number;
export declare function embeddedFiles(): ReadonlyMap<string, Uint8Array>;
export {
  type Handler, Headers, type HeadersInit, type Params, Request, type RequestInit, Response,
  type ResponseInit, type RouteHandler, Router, type Server, type ServeOptions, serve, type StaticOptions,
  serveStatic, URL, URLSearchParams, type URLSearchParamsInit,
} from '${SDK_HTTP_MODULE}';

export type ExitStatus = number | undefined | void;
export type Main = () => ExitStatus | Promise<ExitStatus>;
export interface ToroConfig { name: string; entry: string; cpus: number; memory: string; files?: string; }
`;
