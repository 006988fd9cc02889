/**
 * The vocabulary of the TCP socket API: connection states (RFC 9293 3.3.2), the events a socket
 * reports to its one hook, the typed errors, and the tunables with their defaults.
 */

export enum TcpState {
  Closed = 'CLOSED',
  Listen = 'LISTEN',
  SynSent = 'SYN-SENT',
  SynReceived = 'SYN-RECEIVED',
  Established = 'ESTABLISHED',
  FinWait1 = 'FIN-WAIT-1',
  FinWait2 = 'FIN-WAIT-2',
  CloseWait = 'CLOSE-WAIT',
  Closing = 'CLOSING',
  LastAck = 'LAST-ACK',
  TimeWait = 'TIME-WAIT',
}

/** What a socket's `onEvent` hook is told; the wrapper above wakes its waiters on them. */
export enum TcpEvent {
  /** An active open completed (the connection is ESTABLISHED). */
  Connected = 'connected',
  /** Data (or the end of the stream) can be read. */
  Readable = 'readable',
  /** Room opened in the send buffer after a write took less than it was given. */
  Writable = 'writable',
  /** The connection is closed (or in TIME-WAIT): nothing more will happen on it. */
  Closed = 'closed',
  /** `error` was set (reset, refused, timeout); Closed follows. */
  Error = 'error',
  /** (listeners) A connection is waiting in the accept queue. */
  Acceptable = 'acceptable',
}

export enum TcpError {
  /** The peer reset the connection. */
  Reset = 'reset',
  /** The peer answered our SYN with a reset: nothing listens there. */
  Refused = 'refused',
  /** Retransmissions, the handshake or keep-alive probes went unanswered. */
  Timeout = 'timeout',
}

/** Tunables of a `Tcp` instance; every field is optional (defaults in `resolveConfig`). */
export interface TcpOptions {
  /** Seed of the ISN secret and the ephemeral-port generator. */
  seed?: number[];
  /** Largest number of connections in the table (every state but LISTEN). Default 4096. */
  maxConnections?: number;
  /** Send buffer per connection, bytes. Default 65536. */
  sendBuffer?: number;
  /** Receive buffer per connection, bytes (bounds the window and the out-of-order queue). Default 65536. */
  receiveBuffer?: number;
  /** Most segments held in the out-of-order queue. Default 64. */
  maxOutOfOrder?: number;
  /** Lower bound of the RTO, ms. Default 200 (Linux's; RFC 6298 says 1000). */
  minRto?: number;
  /** Upper bound of the RTO, ms. Default 60000. */
  maxRto?: number;
  /** RTO before any RTT sample, ms. Default 1000 (RFC 6298). */
  initialRto?: number;
  /** Clock granularity G of RFC 6298, ms. Default 1. */
  granularity?: number;
  /** Retransmissions of one segment before the connection times out. Default 15. */
  maxRetries?: number;
  /** Retransmissions of a SYN or SYN-ACK before giving up. Default 6. */
  synRetries?: number;
  /** Delayed-ACK timer, ms (at most 500 per RFC 9293). Default 40. */
  delayedAck?: number;
  /** Maximum segment lifetime, ms; TIME-WAIT lasts 2 MSL. Default 30000. */
  msl?: number;
  /** How long an orphaned FIN-WAIT-2 connection (closed by the user) waits for the peer's FIN. Default 60000. */
  finWait2Timeout?: number;
  /** Keep-alive on by default on new connections. Default false. */
  keepAlive?: boolean;
  /** Idle time before the first keep-alive probe, ms. Default 7200000 (RFC 1122's two hours). */
  keepAliveIdle?: number;
  /** Time between unanswered probes, ms. Default 75000. */
  keepAliveInterval?: number;
  /** Unanswered probes before the connection times out. Default 9. */
  keepAliveProbes?: number;
  /** Default listen backlog (SYN-RECEIVED plus not yet accepted connections). Default 511, as nginx's. */
  backlog?: number;
}

/** TcpOptions with every default filled in. */
export class TcpConfig {
  seed: number[] = [1];
  maxConnections = 4096;
  sendBuffer = 65536;
  receiveBuffer = 65536;
  maxOutOfOrder = 64;
  minRto = 200;
  maxRto = 60000;
  initialRto = 1000;
  granularity = 1;
  maxRetries = 15;
  synRetries = 6;
  delayedAck = 40;
  msl = 30000;
  finWait2Timeout = 60000;
  keepAlive = false;
  keepAliveIdle = 7200000;
  keepAliveInterval = 75000;
  keepAliveProbes = 9;
  backlog = 511;
}

export function resolveConfig(o: TcpOptions | undefined): TcpConfig {
  const c = new TcpConfig();
  if (o === undefined) return c;
  c.seed = o.seed ?? c.seed;
  c.maxConnections = o.maxConnections ?? c.maxConnections;
  c.sendBuffer = o.sendBuffer ?? c.sendBuffer;
  c.receiveBuffer = o.receiveBuffer ?? c.receiveBuffer;
  c.maxOutOfOrder = o.maxOutOfOrder ?? c.maxOutOfOrder;
  c.minRto = o.minRto ?? c.minRto;
  c.maxRto = o.maxRto ?? c.maxRto;
  c.initialRto = o.initialRto ?? c.initialRto;
  c.granularity = o.granularity ?? c.granularity;
  c.maxRetries = o.maxRetries ?? c.maxRetries;
  c.synRetries = o.synRetries ?? c.synRetries;
  c.delayedAck = o.delayedAck ?? c.delayedAck;
  if (c.delayedAck > 500) c.delayedAck = 500;
  c.msl = o.msl ?? c.msl;
  c.finWait2Timeout = o.finWait2Timeout ?? c.finWait2Timeout;
  c.keepAlive = o.keepAlive ?? c.keepAlive;
  c.keepAliveIdle = o.keepAliveIdle ?? c.keepAliveIdle;
  c.keepAliveInterval = o.keepAliveInterval ?? c.keepAliveInterval;
  c.keepAliveProbes = o.keepAliveProbes ?? c.keepAliveProbes;
  c.backlog = o.backlog ?? c.backlog;
  return c;
}
