/**
 * The network CPU's side of sockets used from other CPUs: each remote call (./remote.ts) is a thread
 * here that listens, connects or binds on the local sockets, and every socket it hands out is served by
 * pump threads, one per pipe (./wire.ts), each doing its caller's requests in order. A caller closing
 * its request channels ends the pumps and closes the socket.
 */
import { type DatagramSocket, SocketError, type StreamConnection, type StreamListener } from '@toro/net';
import { channel, spawn } from '@toro/sdk';
import { localSockets } from './owner.js';
import type {
  ConnectionHandle,
  DatagramMessage,
  ListenerHandle,
  Pipe,
  ReadRequest,
  Reply,
  UdpHandle,
  WriteRequest,
} from './wire.js';

/** Listeners opened for other CPUs, by a number of their own (so a close from there finds its listener:
 * listens that share a port with reusePort are one listener each). */
const listeners: Map<number, StreamListener> = new Map();
let nextListener = 1;

export function ok<T>(value: T): Reply<T> {
  return { value, error: '', message: '' };
}

/** The reply for a failure: a SocketError's code and message, anything else as EIO. */
export function failed<T>(e: unknown, value: T): Reply<T> {
  if (e instanceof SocketError) return { value, error: e.code, message: e.message };
  return { value, error: 'EIO', message: e instanceof Error ? e.message : String(e) };
}

function pipe<Q, R>(): Pipe<Q, R> {
  return { requests: channel<Q>(1), replies: channel<Reply<R>>(1) };
}

async function serveReads(c: StreamConnection, p: Pipe<ReadRequest, Uint8Array | null>): Promise<void> {
  for (;;) {
    const r = await p.requests.recv();
    if (r.done) break;
    let reply: Reply<Uint8Array | null>;
    try {
      c.setTimeout(r.value.idle);
      const data = await c.read(r.value.max);
      reply = ok(data === undefined ? null : data);
    } catch (e) {
      reply = failed(e, null);
    }
    await p.replies.send(reply);
  }
  p.replies.close();
}

async function serveWrites(c: StreamConnection, p: Pipe<WriteRequest, null>): Promise<void> {
  for (;;) {
    const r = await p.requests.recv();
    if (r.done) break;
    let reply: Reply<null>;
    try {
      if (r.value.end) await c.end();
      else await c.write(r.value.data);
      reply = ok(null);
    } catch (e) {
      reply = failed(e, null);
    }
    await p.replies.send(reply);
  }
  // The caller closed the connection: so does the stack (a parked read pump then fails with CLOSED).
  c.close();
  p.replies.close();
}

/** A connection of this CPU handed to another: its pumps start now. */
function connectionHandle(c: StreamConnection): ConnectionHandle {
  const reads = pipe<ReadRequest, Uint8Array | null>();
  const writes = pipe<WriteRequest, null>();
  spawn(serveReads, c, reads);
  spawn(serveWrites, c, writes);
  return {
    reads,
    writes,
    remoteAddress: c.remoteAddress,
    remotePort: c.remotePort,
    localPort: c.localPort,
  };
}

async function serveAccepts(l: StreamListener, p: Pipe<number, ConnectionHandle | null>): Promise<void> {
  for (;;) {
    const r = await p.requests.recv();
    if (r.done) break;
    let reply: Reply<ConnectionHandle | null>;
    try {
      const c = await l.accept();
      reply = ok(c === undefined ? null : connectionHandle(c));
    } catch (e) {
      reply = failed(e, null);
    }
    await p.replies.send(reply);
  }
  p.replies.close();
}

async function serveSends(s: DatagramSocket, p: Pipe<DatagramMessage, null>): Promise<void> {
  for (;;) {
    const r = await p.requests.recv();
    if (r.done) break;
    let reply: Reply<null>;
    try {
      await s.send(r.value.data, r.value.host, r.value.port);
      reply = ok(null);
    } catch (e) {
      reply = failed(e, null);
    }
    await p.replies.send(reply);
  }
  s.close();
  p.replies.close();
}

async function serveReceives(s: DatagramSocket, p: Pipe<number, DatagramMessage | null>): Promise<void> {
  for (;;) {
    const r = await p.requests.recv();
    if (r.done) break;
    let reply: Reply<DatagramMessage | null>;
    try {
      const d = await s.receive();
      reply = ok({ data: d.data, host: d.host, port: d.port });
    } catch (e) {
      reply = failed(e, null);
    }
    await p.replies.send(reply);
  }
  p.replies.close();
}

/** listen() for another CPU (spawnOn to the network CPU). */
export async function remoteListen(
  port: number,
  host: string,
  backlog: number,
  reusePort: boolean,
): Promise<Reply<ListenerHandle | null>> {
  try {
    const s = await localSockets();
    const l = await s.listen(port, {
      host: host === '' ? undefined : host,
      backlog: backlog > 0 ? backlog : undefined,
      reusePort,
    });
    const id = nextListener++;
    listeners.set(id, l);
    const accepts = pipe<number, ConnectionHandle | null>();
    spawn(serveAccepts, l, accepts);
    return ok({ id, port: l.port, accepts });
  } catch (e) {
    return failed(e, null);
  }
}

/** A listener's close() from another CPU. */
export async function remoteCloseListener(id: number): Promise<number> {
  const l = listeners.get(id);
  if (l === undefined) return 0;
  listeners.delete(id);
  await l.close();
  return 1;
}

/** connect() for another CPU. */
export async function remoteConnect(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Reply<ConnectionHandle | null>> {
  try {
    const s = await localSockets();
    const c = await s.connect(host, port, timeoutMs);
    return ok(connectionHandle(c));
  } catch (e) {
    return failed(e, null);
  }
}

/** udpSocket() for another CPU. */
export async function remoteUdp(port: number, host: string): Promise<Reply<UdpHandle | null>> {
  try {
    const s = await localSockets();
    const u = await s.udpSocket(port, host === '' ? undefined : host);
    const sends = pipe<DatagramMessage, null>();
    const receives = pipe<number, DatagramMessage | null>();
    spawn(serveSends, u, sends);
    spawn(serveReceives, u, receives);
    return ok({ port: u.port, sends, receives });
  } catch (e) {
    return failed(e, null);
  }
}
