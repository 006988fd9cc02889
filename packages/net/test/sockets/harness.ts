/**
 * Two stacks joined by a wire on Node, each with the SDK's sockets over it (src/sockets/), and the
 * owner loop a booted image runs (step, then wake the parked calls) driven by Node's event loop on the
 * real clock. Signals are promises here (src/sockets/signal.ts).
 */
import { type Clock, type Link, NetStack, PROTO_TCP, type Signal, Sockets, Tcp } from '../../src/index.js';

/** A Signal over promises. */
export class PromiseSignal implements Signal {
  private resolve: (() => void) | null = null;
  private pending = false;
  private closed = false;

  wait(): Promise<void> {
    if (this.pending || this.closed) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((r) => {
      this.resolve = r;
    });
  }

  async notify(): Promise<void> {
    const r = this.resolve;
    this.resolve = null;
    if (r !== null) r();
    else this.pending = true;
  }

  close(): void {
    this.closed = true;
    void this.notify();
  }
}

const clock: Clock = { now: () => performance.now() };

/** One end of the wire: frames it transmits land in the other end's inbox (unless the wire is cut). */
class WireEnd implements Link {
  readonly mtu = 1500;
  inbox: Uint8Array[] = [];
  peer: WireEnd | null = null;
  cut = false;
  constructor(readonly mac: Uint8Array) {}
  up(): boolean {
    return true;
  }
  transmit(frame: Uint8Array): boolean {
    if (!this.cut && this.peer !== null) this.peer.inbox.push(frame.slice());
    return true;
  }
}

export class Host {
  readonly stack: NetStack;
  readonly tcp: Tcp;
  readonly sockets: Sockets;
  constructor(
    readonly link: WireEnd,
    readonly address: string,
    seed: number,
  ) {
    this.stack = new NetStack(link, clock, seed);
    this.tcp = new Tcp(this.stack.ipv4, clock, this.stack.counters, { seed: [seed], msl: 50 });
    this.stack.registerTransport(PROTO_TCP, this.tcp);
    this.sockets = new Sockets(this.stack, this.tcp, () => new PromiseSignal());
    const [a, b, c, d] = address.split('.').map(Number);
    this.stack.configure({
      address: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0,
      netmask: 0xffffff00,
      gateway: 0,
      dns: [],
    });
  }

  /** One round of the owner loop: frames in, timers, then the parked calls. */
  async step(): Promise<number> {
    const frames = this.link.inbox;
    this.link.inbox = [];
    for (const f of frames) this.stack.receive(f);
    this.stack.poll();
    return frames.length + (await this.sockets.wake());
  }
}

/** Two hosts, 10.0.0.1 (a) and 10.0.0.2 (b), and their owner loops running until `stop()`. */
export function pair(): { a: Host; b: Host; cut(on: boolean): void; stop(): void } {
  const la = new WireEnd(new Uint8Array([2, 0, 0, 0, 0, 1]));
  const lb = new WireEnd(new Uint8Array([2, 0, 0, 0, 0, 2]));
  la.peer = lb;
  lb.peer = la;
  const a = new Host(la, '10.0.0.1', 1);
  const b = new Host(lb, '10.0.0.2', 2);
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const busy = (await a.step()) + (await b.step());
      await new Promise<void>((r) => (busy > 0 ? setImmediate(r) : setTimeout(r, 1)));
    }
  };
  void loop();
  return {
    a,
    b,
    cut(on: boolean) {
      la.cut = on;
      lb.cut = on;
    },
    stop() {
      running = false;
    },
  };
}
