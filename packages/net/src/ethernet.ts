/**
 * Ethernet II framing: parses a received frame's header (skipping an 802.1Q priority tag, dropping
 * frames tagged for another VLAN), keeps only frames addressed to our MAC or to broadcast, and builds
 * frames for the link. Frames carry no FCS (the device strips and adds it).
 */
import { read16, write16 } from './bytes.js';
import type { Counters } from './counters.js';
import type { Link } from './link.js';

export const ETH_HEADER = 14;
/** The shortest frame Ethernet sends, without FCS; shorter ones are padded with zeros. */
export const ETH_MIN_FRAME = 60;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;

export const BROADCAST_MAC: Uint8Array = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** What the stack needs of a received frame's header. */
export interface EthHeader {
  /** The EtherType after any 802.1Q tag. */
  type: number;
  /** Where the payload starts in the frame. */
  offset: number;
  /** Sent to the broadcast address (not to our MAC). */
  broadcast: boolean;
}

/** The Ethernet layer of one link. */
export class Ethernet {
  constructor(
    readonly link: Link,
    private readonly counters: Counters,
  ) {}

  /**
   * The header of a frame from the wire, or null when it is dropped (counted under `eth.drop.*`):
   * shorter than a header, not for us, multicast, tagged for a VLAN other than 0.
   */
  parse(frame: Uint8Array): EthHeader | null {
    const c = this.counters;
    if (frame.length < ETH_HEADER) {
      c.add('eth.drop.truncated');
      return null;
    }
    const mac = this.link.mac;
    let ours = true;
    let broadcast = true;
    for (let i = 0; i < 6; i++) {
      if (frame[i] !== mac[i]) ours = false;
      if (frame[i] !== 0xff) broadcast = false;
    }
    if (!ours && !broadcast) {
      // Multicast (group bit set) is a separate reason: we join no groups, so it is expected noise.
      c.add((frame[0] & 1) === 1 ? 'eth.drop.multicast' : 'eth.drop.not-for-us');
      return null;
    }
    let type = read16(frame, 12);
    let offset = ETH_HEADER;
    if (type === ETHERTYPE_VLAN) {
      if (frame.length < ETH_HEADER + 4) {
        c.add('eth.drop.truncated');
        return null;
      }
      // VLAN id 0 is a priority-only tag: the frame is ours, the tag is skipped.
      if ((read16(frame, 14) & 0x0fff) !== 0) {
        c.add('eth.drop.vlan');
        return null;
      }
      type = read16(frame, 16);
      offset = ETH_HEADER + 4;
    }
    if (type < 0x0600) {
      // An 802.3 length field (LLC/SNAP), not an EtherType: nothing above us speaks it.
      c.add('eth.drop.llc');
      return null;
    }
    return { type, offset, broadcast };
  }

  /**
   * A new frame to `dst` of EtherType `type` with room for `payloadLength` bytes after the header,
   * which the caller fills; padded to the Ethernet minimum.
   */
  frame(dst: Uint8Array, type: number, payloadLength: number): Uint8Array {
    const len = ETH_HEADER + payloadLength;
    const f = new Uint8Array(len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len);
    f.set(dst, 0);
    f.set(this.link.mac, 6);
    write16(f, 12, type);
    return f;
  }

  /** Hands a finished frame to the link, counting it; false when the link refused it. */
  transmit(frame: Uint8Array): boolean {
    if (!this.link.up()) {
      this.counters.add('eth.tx-drop.link-down');
      return false;
    }
    if (!this.link.transmit(frame)) {
      this.counters.add('eth.tx-drop.link');
      return false;
    }
    this.counters.add('eth.tx');
    return true;
  }
}
