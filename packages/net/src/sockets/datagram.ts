/** A bound UDP port as the SDK's `UdpSocket`: datagrams out, and a receive that waits for the next one. */
import { formatIp } from '../bytes.js';
import type { UdpSocket } from '../udp.js';
import { SocketError } from './errors.js';
import type { SignalSource } from './signal.js';
import { encodeUtf8 } from './utf8.js';
import { Waitable, WaitPoint, type Waits } from './wait.js';

/** The largest UDP payload in one IPv4 datagram (65535 - 20 - 8). */
const MAX_DATAGRAM = 65507;

/** One received datagram and its sender, as the SDK's `Datagram`. */
export interface ReceivedDatagram {
  readonly data: Uint8Array;
  readonly host: string;
  readonly port: number;
}

/** What turns a host into an address (the Sockets that made the socket). */
export interface AddressResolver {
  address(host: string, what: string): Promise<number>;
}

export class DatagramSocket extends Waitable {
  readonly port: number;
  private readonly receives: WaitPoint;
  private closed = false;

  constructor(
    private readonly udp: UdpSocket,
    private readonly waits: Waits,
    signals: SignalSource,
    /** Resolves a host (dotted quad or name) to an address; throws SocketError. */
    private readonly resolver: AddressResolver,
  ) {
    const receives = new WaitPoint(signals());
    super([receives]);
    this.receives = receives;
    this.port = udp.port;
    udp.onDatagram = () => waits.mark(this);
  }

  /** Sends one datagram (a string as UTF-8) to host:port. */
  async send(data: Uint8Array | string, host: string, port: number): Promise<void> {
    if (this.closed) throw new SocketError('CLOSED', 'send: the socket is closed');
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new SocketError('EINVAL', `send: port ${port} is not 1 to 65535`);
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
    if (bytes.length > MAX_DATAGRAM)
      throw new SocketError('EMSGSIZE', `send: ${bytes.length} bytes do not fit in one datagram`);
    const dst = await this.resolver.address(host, 'send');
    // UDP is best effort: a datagram IP could not send (no ARP answer yet, a full ring) is counted there.
    this.udp.send(dst, port, bytes);
  }

  /** The next datagram, waiting for one; fails with 'CLOSED' once the socket is closed. */
  async receive(): Promise<ReceivedDatagram> {
    for (;;) {
      if (this.closed) throw new SocketError('CLOSED', 'receive: the socket is closed');
      const d = this.udp.receive();
      if (d !== null) return { data: d.data, host: formatIp(d.src), port: d.srcPort };
      await this.waits.park(this.receives, -1);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.udp.close();
    this.waits.mark(this);
    this.receives.signal.close();
  }
}
