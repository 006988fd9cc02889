/** The TCP module's public face: the transport, its sockets and their vocabulary. */
export { TcpConnection } from './connection.js';
export { TcpListener } from './listener.js';
export { Tcp } from './tcp.js';
export { TcpConfig, TcpError, TcpEvent, type TcpOptions, TcpState } from './types.js';
