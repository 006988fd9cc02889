/**
 * What a socket call on another CPU and the network CPU say to each other (all of it Cloneable, so it
 * crosses the message matrix in SDK channels). Each kind of call is a Pipe: the caller sends a request
 * and waits for its one reply; a thread on the network CPU serves the pipe in order (./pumps.ts).
 */
import type { SocketErrorCode } from '@toro/net';
import type { Channel } from '@toro/sdk';

/** A reply: the value, or (error not '') the SocketError's code and message. */
export interface Reply<T> {
  readonly value: T;
  readonly error: SocketErrorCode | '';
  readonly message: string;
}

export interface Pipe<Q, R> {
  readonly requests: Channel<Q>;
  readonly replies: Channel<Reply<R>>;
}

/** A read request: up to `max` bytes, failing with ETIMEDOUT after `idle` ms without data (0: never). */
export interface ReadRequest {
  readonly max: number;
  readonly idle: number;
}

/** A write request: bytes to send, or (`end`) the end of this side's stream. */
export interface WriteRequest {
  readonly data: Uint8Array;
  readonly end: boolean;
}

/** A connection owned by the network CPU, as a caller on another CPU holds it. */
export interface ConnectionHandle {
  /** Replies: the bytes read, null at the end of the stream. */
  readonly reads: Pipe<ReadRequest, Uint8Array | null>;
  readonly writes: Pipe<WriteRequest, null>;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
}

/** A listener owned by the network CPU; an accept's reply is null once it is closed. */
export interface ListenerHandle {
  /** Which of the network CPU's listeners for other CPUs it is (./pumps.ts). */
  readonly id: number;
  readonly port: number;
  readonly accepts: Pipe<number, ConnectionHandle | null>;
}

/** A datagram, as it travels. */
export interface DatagramMessage {
  readonly data: Uint8Array;
  readonly host: string;
  readonly port: number;
}

export interface UdpHandle {
  readonly port: number;
  readonly sends: Pipe<DatagramMessage, null>;
  /** Requests carry nothing (0). */
  readonly receives: Pipe<number, DatagramMessage | null>;
}
