/**
 * Splits the guest's serial byte stream into lines. Serial output arrives in arbitrary chunks, guests end
 * lines with "\n" or "\r\n", and a line may be cut between two chunks (even inside a UTF-8 sequence).
 */

import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Feeds a chunk; returns the lines it completed, without their terminators. */
  push(chunk: Uint8Array): string[] {
    this.pending += this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map(stripCr);
  }

  /** The unterminated tail at end of stream, if any. */
  end(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest === '' ? [] : [stripCr(rest)];
  }
}

function stripCr(line: string): string {
  return line.replace(/\r+$/, '');
}
