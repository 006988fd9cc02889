/**
 * Virtio 1.2 numbers the drivers and transports share: device status bits (§2.1), reserved feature bits
 * (§6) and virtio-net's feature bits (§5.1.3). Feature bits are numbered 0–63 and travel as two 32-bit
 * words (word 0: bits 0–31, word 1: bits 32–63), since a double cannot hold all 64 bits as one number.
 */

export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 0x40;
export const STATUS_FAILED = 0x80;

/** Reserved (transport-independent) feature bits. */
export const F_INDIRECT_DESC = 28;
export const F_RING_EVENT_IDX = 29;
export const F_VERSION_1 = 32;
export const F_ACCESS_PLATFORM = 33;
export const F_RING_PACKED = 34;

/** virtio-net feature bits. */
export const NET_F_CSUM = 0;
export const NET_F_GUEST_CSUM = 1;
export const NET_F_MTU = 3;
export const NET_F_MAC = 5;
export const NET_F_MRG_RXBUF = 15;
export const NET_F_STATUS = 16;
export const NET_F_MQ = 22;

/** Device ids (§5). */
export const DEVICE_NET = 1;

/** Whether bit `bit` (0–63) is set in the feature words [lo, hi]. */
export function hasFeature(words: number[], bit: number): boolean {
  const w = bit < 32 ? words[0] : words[1];
  return ((w >>> (bit & 31)) & 1) === 1;
}

/** The feature words with bit `bit` set. */
export function withFeature(words: number[], bit: number): number[] {
  if (bit < 32) return [(words[0] | (1 << bit)) >>> 0, words[1]];
  return [words[0], (words[1] | (1 << (bit - 32))) >>> 0];
}

/** Thrown when a device cannot be driven: legacy-only, features refused, a broken transport. */
export class VirtioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VirtioError';
  }
}
