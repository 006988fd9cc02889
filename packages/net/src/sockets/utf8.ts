/** UTF-8 for the sockets: text to bytes and back, and character boundaries in a byte stream. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The UTF-8 bytes of `s`. */
export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** The text of UTF-8 bytes (malformed sequences as U+FFFD). */
export function decodeUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/**
 * How many leading bytes of `b` end on a character boundary: a sequence the chunk cuts short at its
 * end is left for the next chunk (at most 3 bytes); malformed bytes count as whole, for the decoder.
 */
export function completeLength(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const c = b[n - back];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/**
 * Text from a stream of byte chunks, a character cut across two chunks given whole: what every
 * connection's readString() does with the chunks its read() gives.
 */
export class TextChunks {
  /** The bytes of a character that the last chunk cut short. */
  private carry: Uint8Array = new Uint8Array(0);

  /**
   * The text of `chunk` with what was carried (null when it holds no whole character yet, so the caller
   * reads again); at the end of the stream (`chunk` undefined) what is left, or undefined.
   */
  push(chunk: Uint8Array | undefined): string | undefined | null {
    if (chunk === undefined) {
      if (this.carry.length === 0) return undefined;
      const rest = this.carry;
      this.carry = new Uint8Array(0);
      return decodeUtf8(rest);
    }
    const all = joinBytes(this.carry, chunk);
    const n = completeLength(all);
    this.carry = all.slice(n);
    return n > 0 ? decodeUtf8(all.subarray(0, n)) : null;
  }
}

/** a then b in one array. */
function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
