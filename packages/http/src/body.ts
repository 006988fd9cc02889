/** A request body as it arrives: bytes appended in pieces, read back whole. */
export class BodyBuffer {
  private bytes: Uint8Array = new Uint8Array(0);
  length = 0;

  /** Appends `len` bytes of `src` from `off`. */
  append(src: Uint8Array, off: number, len: number): void {
    if (len <= 0) return;
    if (this.length + len > this.bytes.length) {
      let size = this.bytes.length < 256 ? 256 : this.bytes.length * 2;
      while (size < this.length + len) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bytes.subarray(0, this.length), 0);
      this.bytes = grown;
    }
    this.bytes.set(src.subarray(off, off + len), this.length);
    this.length += len;
  }

  /** The bytes so far, as a Uint8Array of their own; the buffer starts over empty. */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.bytes = new Uint8Array(0);
    this.length = 0;
    return out;
  }
}
