/**
 * The Internet checksum (RFC 1071): the one's-complement sum of 16-bit big-endian words, folded. IPv4
 * headers, ICMP, UDP and TCP all use it; UDP and TCP also sum a pseudo-header of the addresses.
 */

/** Adds `len` bytes of `b` from `off` to a running 32-bit-safe sum (not yet folded). */
export function sumBytes(sum: number, b: Uint8Array, off: number, len: number): number {
  // The high and the low bytes of the words summed apart, four bytes a round: fewer operations a byte
  // than assembling each word (this loop is most of what a bulk transfer costs the stack).
  let i = off;
  const end = off + len;
  let high = 0;
  let low = 0;
  while (i + 3 < end) {
    high += b[i] + b[i + 2];
    low += b[i + 1] + b[i + 3];
    i += 4;
  }
  if (i + 1 < end) {
    high += b[i];
    low += b[i + 1];
    i += 2;
  }
  if (i < end) high += b[i];
  sum += high * 256 + low;
  // Fold now and then so the sum stays an exact integer whatever the length.
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Folds a running sum and complements it: the value written into a checksum field. */
export function finish(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The checksum of `len` bytes of `b` from `off`. A header holding its own right checksum gives 0. */
export function checksum(b: Uint8Array, off: number, len: number): number {
  return finish(sumBytes(0, b, off, len));
}

/** The running sum of the TCP/UDP pseudo-header: source, destination, protocol, length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (
    Math.floor(src / 0x10000) +
    (src & 0xffff) +
    Math.floor(dst / 0x10000) +
    (dst & 0xffff) +
    protocol +
    length
  );
}
