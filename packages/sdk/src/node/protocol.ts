/**
 * The messages of the node backend. Two kinds of links carry them:
 *
 * - the matrix: one MessagePort pair for every pair of CPUs (like the kernel's message matrix), so that
 *   everything one CPU sends another (spawns, channel operations, console lines) arrives in send order;
 * - each CPU's link to the machine (the Node main thread, machine.ts): start, exit, crash reports, the
 *   console's hand-over and drain at exit, and the ports CPUs share (shared-ports.ts).
 *
 * Values that cross are in wire form (clone.ts): structured-clonable, with channels as references.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Resource } from '../dedicate.js';
import type { Shared } from './shared-ports.js';

/** A channel as it crosses CPUs: where it lives, its number there, its capacity. */
export interface ChannelRef {
  home: number;
  id: number;
  capacity: number;
}

/** A channel operation for the channel's home CPU. */
export type ChannelOpBody =
  | { op: 'send'; id: number; value: unknown }
  | { op: 'recv'; id: number }
  /** Like recv, but when nothing is ready it registers `watch` and replies `empty` instead of waiting. */
  | { op: 'poll'; id: number; watch: number }
  | { op: 'unwatch'; id: number; watch: number }
  | { op: 'close'; id: number };

/** An operation as sent: `req` numbers the reply (-1: no reply wanted). */
export type ChannelOp = ChannelOpBody & { req: number };

/** The home's answer to a send, recv or poll. */
export type ChannelReply =
  | { kind: 'sent' }
  | { kind: 'closed' }
  | { kind: 'value'; value: unknown }
  | { kind: 'done' }
  | { kind: 'empty' };

export type MatrixMessage =
  | { k: 'spawn'; tid: number; url: string; name: string; args: unknown[] }
  | { k: 'joined'; tid: number; value: unknown }
  | { k: 'chan'; msg: ChannelOp }
  | { k: 'reply'; req: number; reply: ChannelReply }
  | { k: 'ready'; watch: number }
  | { k: 'line'; src: number; seq: number; fd: 1 | 2; text: string }
  /** The old console owner's state, for the new owner: next expected line per source CPU, lines held back. */
  | { k: 'handoff'; next: number[]; held: Array<{ src: number; seq: number; fd: 1 | 2; text: string }> };

/** Machine → CPU. */
export type ToCpu =
  | { k: 'main'; url: string }
  /** `resource`'s owner is now `cpu` (sent to every CPU). */
  | { k: 'owner'; resource: Resource; cpu: number }
  /** The machine is stopping: stop writing to the console and report how many lines were sent. */
  | { k: 'quiesce' }
  /** To the console owner: answer `drained` once these many lines of each CPU are written. */
  | { k: 'drain'; expect: number[] }
  /** The answer to a `share`: the port the machine listens on, or why it could not. */
  | { k: 'shared'; req: number; answer: Shared };

/** CPU → machine. */
export type FromCpu =
  | { k: 'exit'; cpu: number; code: number }
  | { k: 'crash'; cpu: number; report: string }
  | { k: 'dedicate'; resource: Resource; cpu: number }
  | { k: 'count'; cpu: number; lines: number }
  | { k: 'drained' }
  /** A console line, when the machine captures output instead of writing it (--json). */
  | { k: 'out'; fd: 1 | 2; text: string }
  /** A listen with reusePort: the machine holds host:port and relays connections to `member` (shared-ports.ts). */
  | { k: 'share'; cpu: number; req: number; host: string; port: number; backlog: number; member: number }
  /** That listen closed. */
  | { k: 'unshare'; cpu: number; host: string; port: number; member: number };

/** What each CPU's worker is started with. */
export interface CpuStart {
  cpu: number;
  /** Node of each CPU, by CPU id. */
  nodes: number[];
  /** The matrix port to each other CPU, by CPU id (null for itself). */
  ports: Array<MessagePort | null>;
  /** Write console lines to fd 1/2 (true) or send them to the machine (false). */
  writeConsole: boolean;
  /** `toro dev -p HOST:GUEST` forwards: a listener on GUEST binds 127.0.0.1:HOST (net.ts). */
  forwards: Array<{ host: number; guest: number }>;
  /** The folder `embeddedFiles()` reads (toro.json "files", absolute), if the project embeds one. */
  filesDir?: string;
}
