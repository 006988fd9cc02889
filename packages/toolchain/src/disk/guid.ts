/**
 * GUIDs as GPT stores them: the first three fields little-endian, the last two as bytes in order
 * (UEFI spec, appendix A). Partition and disk GUIDs of a Toro disk derive from a hash of what it holds,
 * so the same build writes the same disk.
 */
import { createHash } from 'node:crypto';

export const GUID_PATTERN = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

export function encodeGuid(text: string): Uint8Array {
  const m = GUID_PATTERN.exec(text);
  if (!m) throw new Error(`not a GUID: ${text}`);
  const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
  return Uint8Array.from([
    ...hex(m[1]).reverse(),
    ...hex(m[2]).reverse(),
    ...hex(m[3]).reverse(),
    ...hex(m[4]),
    ...hex(m[5]),
  ]);
}

export function decodeGuid(bytes: Uint8Array): string {
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const part = (from: number, to: number, reverse: boolean) => {
    const slice = Uint8Array.from(bytes.subarray(from, to)); // a copy, also of a Buffer
    return hex(reverse ? slice.reverse() : slice);
  };
  return [part(0, 4, true), part(4, 6, true), part(6, 8, true), part(8, 10, false), part(10, 16, false)]
    .join('-')
    .toUpperCase();
}

/** A version-4-shaped GUID from sha256(seed, label): stable for the same inputs. */
export function derivedGuid(seed: Uint8Array, label: string): string {
  const h = createHash('sha256').update(seed).update(label).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toUpperCase();
}
