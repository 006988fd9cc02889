/** The SDK's sockets over the stack, on the CPU that owns it (see ./sockets.ts). */

export { DatagramSocket, type ReceivedDatagram } from './datagram.js';
export { SocketError, type SocketErrorCode } from './errors.js';
export { StreamListener } from './listener.js';
export type { Signal, SignalSource } from './signal.js';
export { Sockets, type StreamListenOptions } from './sockets.js';
export { StreamConnection } from './stream.js';
export { decodeUtf8, encodeUtf8, TextChunks } from './utf8.js';
