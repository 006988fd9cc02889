/**
 * Ports shared by listens on several CPUs (`listen(port, { reusePort: true })`) under `toro dev`. Node 20
 * has no SO_REUSEPORT and a worker thread cannot hand a socket to another, so the machine (the Node main
 * thread) holds the port: each CPU's listen is a member with a loopback port of its own, and the hub
 * gives each new connection to the next member in turn, relaying its bytes both ways (half-closes
 * included) behind a PROXY line (./proxy-line.ts) that tells the member the real client. A member
 * that cannot be reached (it just closed) is skipped; with none left the client is closed.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { SocketErrorCode } from '../net.js';
import { proxyLine } from './proxy-line.js';

/** A failure of a share, as the listen that asked gets it. */
export interface ShareError {
  code: SocketErrorCode;
  message: string;
}

/** A share's answer: the port listened on, or the failure. */
export interface Shared {
  port: number;
  error: ShareError | null;
}

interface Member {
  cpu: number;
  /** The loopback port the member's own server listens on. */
  port: number;
}

interface Group {
  server: Server;
  members: Member[];
  /** Index of the member the next connection goes to. */
  next: number;
}

const key = (host: string, port: number): string => `${host}:${port}`;

export class SharedPorts {
  private readonly groups = new Map<string, Group>();

  /**
   * Adds CPU `cpu`'s member (loopback port `member`) to host:port, listening on it first if no one does
   * (port 0: a free port, which later listens can then share). The port it listens on, or why not.
   */
  async join(cpu: number, host: string, port: number, backlog: number, member: number): Promise<Shared> {
    const existing = port === 0 ? undefined : this.groups.get(key(host, port));
    if (existing !== undefined) {
      existing.members.push({ cpu, port: member });
      return { port, error: null };
    }
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const group: Group = { server, members: [{ cpu, port: member }], next: 0 };
    server.on('connection', (client: Socket) => this.hand(group, client, 0));
    const failure = await new Promise<ShareError | null>((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        resolve({
          code: e.code === 'EADDRINUSE' ? 'EADDRINUSE' : e.code === 'EACCES' ? 'EACCES' : 'EIO',
          message: `listen: ${host}:${port}: ${e.message}`,
        }),
      );
      server.listen({ port, host, backlog, exclusive: true }, () => resolve(null));
    });
    if (failure !== null) return { port, error: failure };
    const bound = server.address();
    const actual = port === 0 && bound !== null && typeof bound === 'object' ? bound.port : port;
    this.groups.set(key(host, actual), group);
    return { port: actual, error: null };
  }

  /** Removes a member; the last one to leave closes the port. */
  leave(cpu: number, host: string, port: number, member: number): void {
    const k = key(host, port);
    const group = this.groups.get(k);
    if (group === undefined) return;
    group.members = group.members.filter((m) => !(m.cpu === cpu && m.port === member));
    if (group.members.length > 0) return;
    this.groups.delete(k);
    group.server.close();
  }

  /** Closes every shared port (the machine stops). */
  closeAll(): void {
    for (const g of this.groups.values()) g.server.close();
    this.groups.clear();
  }

  /** Gives `client` to the group's next member; `tried` members already refused it. */
  private hand(group: Group, client: Socket, tried: number): void {
    if (tried >= group.members.length || client.destroyed) {
      client.destroy();
      return;
    }
    const m = group.members[group.next % group.members.length];
    group.next = (group.next + 1) % group.members.length;
    const upstream = netConnect({ port: m.port, host: '127.0.0.1', allowHalfOpen: true });
    let connected = false;
    upstream.once('error', () => {
      // Refused before it connected: the member just closed; the next one gets the client.
      if (!connected) this.hand(group, client, tried + 1);
    });
    upstream.once('connect', () => {
      connected = true;
      const from = client.remoteAddress ?? '';
      upstream.write(
        proxyLine(from, client.remotePort ?? 0, client.localAddress ?? '', client.localPort ?? 0),
      );
      relay(client, upstream);
    });
  }
}

/** Both directions, with back-pressure (pipe) and half-closes; a failure on either side closes both. */
function relay(client: Socket, upstream: Socket): void {
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
  const both = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', both);
  upstream.on('error', both);
  // The member closed the connection: what it sent still reaches the client, then the client closes.
  upstream.on('close', () => client.end(() => client.destroy()));
  // The client is gone both ways: nothing the member writes can reach it.
  client.on('close', () => upstream.destroy());
}
