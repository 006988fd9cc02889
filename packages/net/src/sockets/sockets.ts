/**
 * The SDK's sockets over one stack: what `listen`, `connect` and `udpSocket` do on the CPU that owns
 * the network device. The owner loop steps the device and the stack and then calls `wake()`, which
 * hands the stack's events to the calls parked on them (./wait.ts). Everything here runs on that one
 * CPU, with no lock; the same code runs on Node over a simulated link (test/sockets/).
 */
import { formatIp, parseIp } from '../bytes.js';
import type { NetStack } from '../stack.js';
import type { Tcp } from '../tcp/tcp.js';
import { DatagramSocket } from './datagram.js';
import { SocketError } from './errors.js';
import { ListenerGroup, StreamListener } from './listener.js';
import type { SignalSource } from './signal.js';
import { StreamConnection } from './stream.js';
import { Waitable, WaitPoint, Waits } from './wait.js';

/** listen()'s accept queue when the caller names none (Node's default too). */
const DEFAULT_BACKLOG = 511;
/** Ports listen(0) picks from: IANA's dynamic range. */
const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_LAST = 65535;

/** listen's options as the SDK has them. */
export interface StreamListenOptions {
  host?: string;
  /** The port's accept queue; when listens share a port, the first one's (./listener.ts). */
  backlog?: number;
  /** Share the port with other listens that say so too; connections go to them in turn. */
  reusePort?: boolean;
}

export class Sockets {
  readonly waits: Waits;
  private nextPort = EPHEMERAL_FIRST;
  /** The ports listening, each one group of listens (./listener.ts). */
  private readonly groups: Map<number, ListenerGroup> = new Map();

  constructor(
    readonly stack: NetStack,
    readonly tcp: Tcp,
    private readonly signals: SignalSource,
  ) {
    this.waits = new Waits(() => stack.clock.now());
  }

  /**
   * When the owner loop next has work (the stack's TCP timers, the parked calls' deadlines): 0 for now,
   * -1 for nothing timed, else a time of the stack's clock. The stack's own timers (ARP, DHCP,
   * reassembly) count seconds and are not included: an owner asleep looks at least once a second.
   */
  nextDeadline(): number {
    const a = this.tcp.nextTimerAt();
    const b = this.waits.nextDeadline();
    if (a < 0) return b;
    if (b < 0) return a;
    return Math.min(a, b);
  }

  /** Calls `f` whenever the owner loop may have new work before nextDeadline() (see Tcp.onStale). */
  onActivity(f: () => void): void {
    this.tcp.onStale = f;
    this.waits.onNews = f;
  }

  /** The owner loop's part after each step: parked calls whose socket had news run again. */
  async wake(): Promise<number> {
    return await this.waits.wake();
  }

  /**
   * Listens on `port` (0: a free one from 49152 up). A port that listens already is EADDRINUSE, unless
   * both that listen and this one said `reusePort`: then this one joins it (./listener.ts).
   */
  async listen(port: number, options?: StreamListenOptions): Promise<StreamListener> {
    this.localHost(options?.host, 'listen');
    const backlog = options?.backlog ?? DEFAULT_BACKLOG;
    const reusePort = options?.reusePort === true;
    if (port !== 0) {
      const group = this.groups.get(port);
      if (group !== undefined && reusePort && group.reusePort)
        return new StreamListener(group, this.waits, this.signals);
      if (group !== undefined || this.tcp.hasListener(port))
        throw new SocketError(
          'EADDRINUSE',
          group !== undefined && group.reusePort !== reusePort
            ? `listen: port ${port} is in use (to share it, every listen on it must say reusePort)`
            : `listen: port ${port} is in use`,
        );
      return this.open(port, backlog, reusePort);
    }
    for (let i = EPHEMERAL_FIRST; i <= EPHEMERAL_LAST; i++) {
      const p = this.nextPort;
      this.nextPort = p >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (!this.tcp.hasListener(p)) return this.open(p, backlog, reusePort);
    }
    throw new SocketError('EADDRINUSE', 'listen: no free port');
  }

  /** A port's first listen: its group, and the listener that is its first member. */
  private open(port: number, backlog: number, reusePort: boolean): StreamListener {
    const group = new ListenerGroup(this.tcp.listen(port, { backlog }), reusePort, this.waits, (g) => {
      if (this.groups.get(g.port) === g) this.groups.delete(g.port);
    });
    this.groups.set(port, group);
    return new StreamListener(group, this.waits, this.signals);
  }

  /** Opens a connection to host:port (a dotted quad or a name the DNS servers know). */
  async connect(host: string, port: number, timeoutMs?: number): Promise<StreamConnection> {
    const dst = await this.address(host, 'connect');
    let c: StreamConnection;
    try {
      c = new StreamConnection(this.tcp.connect(dst, port), this.waits, this.signals);
    } catch (e) {
      throw new SocketError('EADDRNOTAVAIL', `connect: ${e instanceof Error ? e.message : String(e)}`);
    }
    await c.established(timeoutMs ?? 0);
    return c;
  }

  /** Binds a UDP port (0: a free one). */
  async udpSocket(port?: number, host?: string): Promise<DatagramSocket> {
    this.localHost(host, 'udpSocket');
    const s = this.stack.udp.bind(port ?? 0);
    if (s === null) throw new SocketError('EADDRINUSE', `udpSocket: port ${port ?? 0} is in use`);
    return new DatagramSocket(s, this.waits, this.signals, this);
  }

  /**
   * The address a peer's `host` names: a dotted quad as it is, anything else through the DNS stub
   * (ENOTFOUND when it has no answer). Without an address of our own there is no route (ENETUNREACH).
   */
  async address(host: string, what: string): Promise<number> {
    if (this.stack.ipv4.localAddress() === 0)
      throw new SocketError('ENETUNREACH', `${what}: the network has no address yet`);
    const quad = parseIp(host);
    if (quad >= 0) return quad >>> 0;
    const point = new WaitPoint(this.signals());
    const lookup = new Waitable([point]);
    let answer = -1;
    let failure = '';
    let done = false;
    this.stack.resolve(host, (err, addresses) => {
      done = true;
      if (err === null && addresses.length > 0) answer = addresses[0];
      else failure = err === null ? 'no address' : err.message;
      this.waits.mark(lookup);
    });
    while (!done) await this.waits.park(point, -1);
    if (answer < 0) throw new SocketError('ENOTFOUND', `${what}: ${host}: ${failure}`);
    return answer >>> 0;
  }

  /**
   * A listener or UDP socket binds the one interface: no host, the any-address, loopback (so code
   * written for `toro dev`'s loopback-only binding runs unchanged) or the interface's own address.
   */
  private localHost(host: string | undefined, what: string): void {
    if (host === undefined || host === '0.0.0.0' || host === '127.0.0.1' || host === 'localhost') return;
    const mine = this.stack.ipv4.localAddress();
    if (mine !== 0 && host === formatIp(mine)) return;
    throw new SocketError('EADDRNOTAVAIL', `${what}: ${host} is not this machine's address`);
  }
}
