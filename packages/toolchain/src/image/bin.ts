/**
 * Flat binary output, the file `nasm -f bin` writes: every progbits section at (load address − origin),
 * gaps zero-filled, nobits sections not written.
 */
import type { LinkedImage } from '../link/image.js';

/** The address of the flat file's first byte: `org`, else the lowest progbits load address. */
export function binOrigin(image: LinkedImage): bigint {
  const progbits = image.sections.filter((s) => !s.nobits && s.size > 0);
  if (image.origin !== undefined || progbits.length === 0) return image.origin ?? 0n;
  let origin = progbits[0].loadAddress;
  for (const s of progbits) if (s.loadAddress < origin) origin = s.loadAddress;
  return origin;
}

export function writeBin(image: LinkedImage): Uint8Array {
  const progbits = image.sections.filter((s) => !s.nobits && s.size > 0);
  if (progbits.length === 0) return new Uint8Array(0);
  const origin = binOrigin(image);
  let end = 0;
  for (const s of progbits) {
    const off = Number(s.loadAddress - origin);
    if (off < 0) throw new Error(`section ${s.name} begins before the image origin`);
    end = Math.max(end, off + s.size);
  }
  const out = new Uint8Array(end);
  for (const s of progbits) out.set(s.bytes.subarray(0, s.size), Number(s.loadAddress - origin));
  return out;
}
