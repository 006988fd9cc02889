/**
 * The TCP header on the wire (RFC 9293 3.1) and the options this stack speaks: MSS (kind 2) and window
 * scale (kind 3, RFC 7323). Parsing checks everything a hostile sender can get wrong (length, data
 * offset, option lengths, checksum) and answers with the counter name of the reason instead of
 * throwing; building writes the header, the options of a SYN and the checksum over the pseudo-header.
 * Timestamps (kind 8) and SACK (kinds 4, 5) are skipped when received and never sent.
 */
import { finish, pseudoHeaderSum, sumBytes } from '../checksum.js';
import { PROTO_TCP } from '../protocol.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export const HEADER_LEN = 20;

/** One received segment, its fields parsed; `data` is a view into the datagram. */
export class Segment {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  /** The window field as sent (not yet shifted by the window scale). */
  window = 0;
  /** The MSS option's value, or -1 when absent. */
  mss = -1;
  /** The window-scale option's shift (clamped to 14), or -1 when absent. */
  wscale = -1;
  data: Uint8Array = new Uint8Array(0);

  has(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }

  /** SEG.LEN: data bytes plus one each for SYN and FIN. */
  get len(): number {
    return this.data.length + (this.has(SYN) ? 1 : 0) + (this.has(FIN) ? 1 : 0);
  }
}

/**
 * Parses `b` (a whole TCP segment) from `src` to `dst` into `seg`. Returns '' when it is well formed,
 * else the counter name of the reason it is dropped.
 */
export function parseSegment(src: number, dst: number, b: Uint8Array, seg: Segment): string {
  if (b.length < HEADER_LEN) return 'tcp.drop.truncated';
  const off = (b[12] >>> 4) * 4;
  if (off < HEADER_LEN || off > b.length) return 'tcp.drop.bad-offset';
  if (finish(sumBytes(pseudoHeaderSum(src, dst, PROTO_TCP, b.length), b, 0, b.length)) !== 0) {
    return 'tcp.drop.bad-checksum';
  }
  seg.srcPort = (b[0] << 8) | b[1];
  seg.dstPort = (b[2] << 8) | b[3];
  if (seg.srcPort === 0 || seg.dstPort === 0) return 'tcp.drop.bad-port';
  seg.seq = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
  seg.ack = ((b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11]) >>> 0;
  seg.flags = b[13] & 0x3f;
  seg.window = (b[14] << 8) | b[15];
  seg.mss = -1;
  seg.wscale = -1;
  let i = HEADER_LEN;
  while (i < off) {
    const kind = b[i];
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    if (i + 1 >= off) return 'tcp.drop.bad-options';
    const olen = b[i + 1];
    if (olen < 2 || i + olen > off) return 'tcp.drop.bad-options';
    if (kind === 2) {
      if (olen !== 4) return 'tcp.drop.bad-options';
      seg.mss = (b[i + 2] << 8) | b[i + 3];
    } else if (kind === 3) {
      if (olen !== 3) return 'tcp.drop.bad-options';
      seg.wscale = Math.min(b[i + 2], 14);
    }
    i += olen;
  }
  const hasSyn = (seg.flags & SYN) !== 0;
  if (hasSyn && (seg.flags & (RST | FIN)) !== 0) return 'tcp.drop.bad-flags';
  seg.data = b.subarray(off, b.length);
  return '';
}

/** What one outgoing segment holds; the connection fills one and `buildSegment` writes it. */
export class SegmentOut {
  srcPort = 0;
  dstPort = 0;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  /** MSS option to send (SYN only), or -1. */
  mss = -1;
  /** Window-scale option to send (SYN only), or -1. */
  wscale = -1;
}

/** Writes `h` and `dataLen` bytes (copied by `fill`) into a new segment, checksummed from `src` to `dst`. */
export function buildSegment(
  src: number,
  dst: number,
  h: SegmentOut,
  dataLen: number,
  fill: ((out: Uint8Array, off: number) => void) | null,
): Uint8Array {
  let optLen = 0;
  if (h.mss >= 0) optLen += 4;
  if (h.wscale >= 0) optLen += 4;
  const hdr = HEADER_LEN + optLen;
  const b = new Uint8Array(hdr + dataLen);
  b[0] = (h.srcPort >>> 8) & 0xff;
  b[1] = h.srcPort & 0xff;
  b[2] = (h.dstPort >>> 8) & 0xff;
  b[3] = h.dstPort & 0xff;
  writeU32(b, 4, h.seq);
  writeU32(b, 8, h.ack);
  b[12] = (hdr / 4) << 4;
  b[13] = h.flags & 0x3f;
  b[14] = (h.window >>> 8) & 0xff;
  b[15] = h.window & 0xff;
  let i = HEADER_LEN;
  if (h.mss >= 0) {
    b[i] = 2;
    b[i + 1] = 4;
    b[i + 2] = (h.mss >>> 8) & 0xff;
    b[i + 3] = h.mss & 0xff;
    i += 4;
  }
  if (h.wscale >= 0) {
    b[i] = 1;
    b[i + 1] = 3;
    b[i + 2] = 3;
    b[i + 3] = h.wscale;
    i += 4;
  }
  if (fill !== null && dataLen > 0) fill(b, hdr);
  const sum = finish(sumBytes(pseudoHeaderSum(src, dst, PROTO_TCP, b.length), b, 0, b.length));
  b[16] = (sum >>> 8) & 0xff;
  b[17] = sum & 0xff;
  return b;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}
