/**
 * A raw HTTP exchange for the tests that put bytes on the wire themselves (pipelining, malformed and
 * fuzzed requests): one connection to 127.0.0.1, what the server sends until it closes.
 */
import { connect } from 'node:net';

export interface Exchanged {
  /** Everything received, as Latin-1 text. */
  text: string;
  /** Whether the server closed (or reset) the connection within the limit (else it was given up on). */
  closed: boolean;
}

/**
 * Writes `bytes` on a new connection to 127.0.0.1:`port` (then ends this side when `end`) and reads until
 * the server closes or resets the connection or `limitMs` passes. A connection that fails otherwise rejects.
 */
export function exchange(
  port: number,
  bytes: string | Uint8Array,
  options: { limitMs: number; end?: boolean },
): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text, closed: false });
    }, options.limitMs);
    s.on('connect', () => (options.end === true ? s.end(bytes) : s.write(bytes)));
    s.on('data', (d) => {
      text += d.toString('latin1');
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') return; // 'close' follows, with what came before the reset
      clearTimeout(timer);
      reject(e);
    });
  });
}
