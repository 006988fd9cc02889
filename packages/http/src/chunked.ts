/**
 * The chunked transfer coding of a request body (RFC 9112 §7.1), decoded as bytes arrive:
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *
 * Chunk extensions are skipped (within a line limit) and trailer fields are checked as field lines and
 * dropped. A bare LF ends a line as CRLF does (RFC 9112 §2.2); anything else out of place is an error.
 */
import type { BodyBuffer } from './body.js';
import { CR, HTAB, isFieldValueChar, isTokenChar, lineEnd, SP } from './bytes.js';

/** Bytes a chunk-size line (with its extensions) or a trailer line may take. */
export const CHUNK_LINE_MAX = 4096;

/** Where the decoder is: a chunk-size line, chunk data, the CRLF after it, trailer lines, the end. */
const SIZE = 0;
const DATA = 1;
const DATA_END = 2;
const TRAILER = 3;
const DONE = 4;

/** What went wrong, as the status to answer with and a reason for the log. */
export interface FramingError {
  status: number;
  message: string;
}

export class ChunkedDecoder {
  private state = SIZE;
  /** Bytes of the current chunk still to come. */
  private remaining = 0;
  /** Trailer fields seen (they count against the header limits). */
  trailerCount = 0;
  trailerBytes = 0;
  error: FramingError | null = null;

  constructor(
    private readonly body: BodyBuffer,
    private readonly maxBody: number,
    private readonly maxFields: number,
    private readonly maxFieldBytes: number,
  ) {}

  get done(): boolean {
    return this.state === DONE;
  }

  /** Decodes from b[start..end); how many bytes it consumed. Stops at the end, or when done or failed. */
  feed(b: Uint8Array, start: number, end: number): number {
    let i = start;
    while (i < end && this.state !== DONE && this.error === null) {
      if (this.state === DATA) {
        const n = Math.min(this.remaining, end - i);
        this.body.append(b, i, n);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.state = DATA_END;
        continue;
      }
      const eol = lineEnd(b, i, end);
      if (eol < 0) {
        if (end - i > CHUNK_LINE_MAX) this.fail(400, 'a chunk line longer than the limit');
        break;
      }
      const next = eol + 1;
      const stop = eol > i && b[eol - 1] === CR ? eol - 1 : eol;
      if (this.state === SIZE) this.sizeLine(b, i, stop);
      else if (this.state === DATA_END) {
        if (stop !== i) this.fail(400, 'chunk data longer than its size');
        else this.state = SIZE;
      } else this.trailerLine(b, i, stop, next - i);
      if (this.error === null) i = next;
    }
    return i - start;
  }

  private sizeLine(b: Uint8Array, from: number, to: number): void {
    if (to - from > CHUNK_LINE_MAX) {
      this.fail(400, 'a chunk line longer than the limit');
      return;
    }
    let i = from;
    let size = 0;
    while (i < to && hexValue(b[i]) >= 0) {
      size = size * 16 + hexValue(b[i]);
      // Past the body limit already: no need to read more digits (and none can overflow).
      if (this.body.length + size > this.maxBody) {
        this.fail(413, 'a chunked body larger than the limit');
        return;
      }
      i++;
    }
    if (i === from) {
      this.fail(400, 'a chunk size that is not hexadecimal');
      return;
    }
    // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): skipped, but no control characters.
    while (i < to && (b[i] === SP || b[i] === HTAB)) i++;
    if (i < to && b[i] !== 0x3b) {
      this.fail(400, 'junk after a chunk size');
      return;
    }
    for (; i < to; i++)
      if (!isFieldValueChar(b[i])) {
        this.fail(400, 'a control character in a chunk extension');
        return;
      }
    if (size === 0) this.state = TRAILER;
    else {
      this.remaining = size;
      this.state = DATA;
    }
  }

  private trailerLine(b: Uint8Array, from: number, to: number, lineBytes: number): void {
    if (from === to) {
      this.state = DONE;
      return;
    }
    this.trailerCount++;
    this.trailerBytes += lineBytes;
    if (this.trailerCount > this.maxFields || this.trailerBytes > this.maxFieldBytes) {
      this.fail(431, 'trailer fields past the header limits');
      return;
    }
    let i = from;
    while (i < to && isTokenChar(b[i])) i++;
    if (i === from || i >= to || b[i] !== 0x3a) {
      this.fail(400, 'a malformed trailer field');
      return;
    }
    for (i++; i < to; i++)
      if (!isFieldValueChar(b[i])) {
        this.fail(400, 'a control character in a trailer field');
        return;
      }
  }

  private fail(status: number, message: string): void {
    this.error = { status, message };
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}
