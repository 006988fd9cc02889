/**
 * A listening TCP socket as the SDK's `Listener`: `accept()` waits for the stack's accept queue and
 * wraps each connection; `close()` stops listening (connections already accepted stay open).
 */
import type { TcpListener } from '../tcp/listener.js';
import type { SignalSource } from './signal.js';
import { StreamConnection } from './stream.js';
import { Waitable, WaitPoint, type Waits } from './wait.js';

export class StreamListener extends Waitable {
  readonly port: number;
  private readonly accepts: WaitPoint;
  private closed = false;

  constructor(
    private readonly tcp: TcpListener,
    private readonly waits: Waits,
    private readonly signals: SignalSource,
  ) {
    const accepts = new WaitPoint(signals());
    super([accepts]);
    this.accepts = accepts;
    this.port = tcp.port;
    tcp.onEvent(() => waits.mark(this));
  }

  /** The next connection; undefined once the listener is closed. */
  async accept(): Promise<StreamConnection | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const c = this.tcp.accept();
      if (c !== null) return new StreamConnection(c, this.waits, this.signals);
      await this.waits.park(this.accepts, -1);
    }
  }

  /** Stops listening: a parked accept() gives undefined; queued connections are reset by the stack. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tcp.close();
    this.waits.mark(this);
    this.accepts.signal.close();
  }
}
