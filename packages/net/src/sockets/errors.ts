/**
 * The sockets' typed failures, as `@toro/sdk` names them: the SDK's `SocketError` on both backends
 * (packages/sdk/src/net.ts re-exports it through `@toro/net/socket-errors`; in a compiled image the
 * compiler's SDK declaration reaches it through packages/drivers/src/sockets).
 */
import { TcpError } from '../tcp/types.js';

/** What went wrong with a socket. Node's errno codes keep their names; 'CLOSED' is a use after close. */
export type SocketErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EACCES'
  | 'EPIPE'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'ENOTFOUND'
  | 'EMSGSIZE'
  | 'EINVAL'
  | 'CLOSED'
  | 'EIO';

/** A socket failure: `code` says which (see SocketErrorCode). */
export class SocketError extends Error {
  /** Which failure. */
  readonly code: SocketErrorCode;
  constructor(code: SocketErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SocketError';
    this.code = code;
  }
}

/** The SocketError for a connection the stack ended with `err`. */
export function tcpFailure(err: TcpError, where: string): SocketError {
  if (err === TcpError.Refused) return new SocketError('ECONNREFUSED', `${where}: connection refused`);
  if (err === TcpError.Timeout) return new SocketError('ETIMEDOUT', `${where}: the peer stopped answering`);
  return new SocketError('ECONNRESET', `${where}: connection reset by the peer`);
}
