/**
 * Listening TCP sockets as the SDK's `Listener`. Every port that listens has one ListenerGroup over the
 * stack's TcpListener, and each `listen()` call is a StreamListener, a member of its port's group: one
 * member unless the listens said `reusePort`, as SO_REUSEPORT lets several sockets share a port. The
 * group hands connections out in turn: the members with an accept() parked queue in the order they
 * parked, and the next connection goes to the first of them. So when listeners on several CPUs share a
 * port (each a pump thread of drivers/src/sockets on the network CPU), connections go round-robin over
 * the CPUs that are waiting for one, and a CPU that stopped accepting (busy, or at its connection limit)
 * gets none until it asks again.
 */
import type { TcpConnection } from '../tcp/connection.js';
import type { TcpListener } from '../tcp/listener.js';
import type { SignalSource } from './signal.js';
import { StreamConnection } from './stream.js';
import { Waitable, WaitPoint, type Waits } from './wait.js';

export class ListenerGroup {
  readonly port: number;
  private readonly members: StreamListener[] = [];
  /** Members with an accept() parked, in the order they parked: the next connection is the first's. */
  private readonly turns: StreamListener[] = [];

  constructor(
    readonly tcp: TcpListener,
    /** Whether the listens on this port said `reusePort`: only then may another one join. */
    readonly reusePort: boolean,
    private readonly waits: Waits,
    /** Called once the last member closed and the port stopped listening. */
    private readonly onClosed: (g: ListenerGroup) => void,
  ) {
    this.port = tcp.port;
    // A connection to accept: the member whose turn it is looks.
    tcp.onEvent(() => this.nudge());
  }

  /** A new member (a listen() on this port). */
  join(m: StreamListener): void {
    this.members.push(m);
  }

  /** How many listens share the port. */
  get size(): number {
    return this.members.length;
  }

  /** The next connection if it is `m`'s turn and one waits; else null, and `m` is in line. */
  take(m: StreamListener): TcpConnection | null {
    if (!this.turns.includes(m)) this.turns.push(m);
    if (this.turns[0] !== m) return null;
    const c = this.tcp.accept();
    if (c === null) return null;
    this.turns.shift();
    // More may be queued: the next in line looks too.
    if (this.tcp.queued > 0) this.nudge();
    return c;
  }

  /** `m` stopped listening; the last member closes the port (its queued connections are reset). */
  leave(m: StreamListener): void {
    remove(this.members, m);
    const wasFirst = this.turns[0] === m;
    remove(this.turns, m);
    if (this.members.length === 0) {
      this.tcp.onEvent(null);
      this.tcp.close();
      this.onClosed(this);
    } else if (wasFirst) this.nudge();
  }

  private nudge(): void {
    const first = this.turns[0];
    if (first !== undefined) this.waits.mark(first);
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

export class StreamListener extends Waitable {
  readonly port: number;
  private readonly accepts: WaitPoint;
  private closed = false;

  constructor(
    private readonly group: ListenerGroup,
    private readonly waits: Waits,
    private readonly signals: SignalSource,
  ) {
    const accepts = new WaitPoint(signals());
    super([accepts]);
    this.accepts = accepts;
    this.port = group.port;
    group.join(this);
  }

  /** The next connection; undefined once the listener is closed. */
  async accept(): Promise<StreamConnection | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const c = this.group.take(this);
      if (c !== null) return new StreamConnection(c, this.waits, this.signals);
      await this.waits.park(this.accepts, -1);
    }
  }

  /**
   * Stops listening: a parked accept() gives undefined. The last listener of a port closes it, and the
   * stack resets the connections still queued; while others share the port, they take those.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.group.leave(this);
    this.waits.mark(this);
    this.accepts.signal.close();
  }
}
