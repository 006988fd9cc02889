/**
 * A connection for the compiled scenarios (serving.ts, static.ts): reads give the scripted chunks,
 * then the end of the stream; writes are kept as text; end() and close() are recorded.
 */
import type { HttpConnection } from '../../src/server.js';

export class ScriptedConnection implements HttpConnection {
  readonly written: string[] = [];
  closed = false;
  ended = false;

  constructor(private readonly chunks: string[]) {}

  async read(): Promise<Uint8Array | undefined> {
    const next = this.chunks.shift();
    return next === undefined ? undefined : new TextEncoder().encode(next);
  }

  async write(data: Uint8Array): Promise<void> {
    this.written.push(new TextDecoder().decode(data));
  }

  async end(): Promise<void> {
    this.ended = true;
  }

  close(): void {
    this.closed = true;
  }

  setTimeout(_ms: number): void {}
}
