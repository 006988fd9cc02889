/**
 * Little-endian integer helpers shared by the assembler and the linker: writing a value into a field
 * and checking whether it fits the field the way NASM checks (signed, unsigned, or either).
 */

/** True when `v` fits in `size` bytes under the given range rule. */
export function fitsIn(v: bigint, size: number, range: 'signed' | 'unsigned' | 'any'): boolean {
  if (size >= 8) return v >= -(1n << 63n) && v < 1n << 64n;
  const bits = BigInt(size * 8);
  const smin = -(1n << (bits - 1n));
  const smax = (1n << (bits - 1n)) - 1n;
  const umax = (1n << bits) - 1n;
  if (range === 'signed') return v >= smin && v <= smax;
  if (range === 'unsigned') return v >= 0n && v <= umax;
  return v >= smin && v <= umax;
}

/** Writes the low `size` bytes of `v` at `offset`, little-endian. */
export function writeLE(buf: Uint8Array, offset: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    buf[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/** Reads `size` bytes at `offset` as an unsigned little-endian integer. */
export function readLE(buf: Uint8Array, offset: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[offset + i]);
  return v;
}

/** A growable byte array. */
export class ByteBuffer {
  private buf = new Uint8Array(256);
  length = 0;

  private ensure(n: number): void {
    if (n <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
  }

  /** Writes at `offset`, zero-filling any gap after the current end. */
  writeAt(offset: number, bytes: Uint8Array): void {
    this.ensure(offset + bytes.length);
    this.buf.set(bytes, offset);
    if (offset + bytes.length > this.length) this.length = offset + bytes.length;
  }

  /** Appends bytes at the end. */
  append(bytes: Uint8Array | readonly number[]): void {
    this.writeAt(this.length, bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  }

  /** Appends a 64-bit little-endian word. */
  appendWord(v: bigint): void {
    this.ensure(this.length + 8);
    writeLE(this.buf, this.length, 8, v);
    this.length += 8;
  }

  /** Extends with zeros up to `n` bytes. */
  padTo(n: number): void {
    this.ensure(n);
    if (n > this.length) {
      this.buf.fill(0, this.length, n);
      this.length = n;
    }
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
