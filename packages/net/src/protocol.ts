/**
 * The contract between IPv4 (ipv4.ts) and the transports above it (udp.ts, tcp/): how a transport
 * sends a datagram and how IPv4 hands it the ones addressed to it. Addresses are IPv4 addresses as
 * unsigned 32-bit numbers (10.0.2.15 is 0x0a00020f); protocol numbers are IANA's (1 ICMP, 6 TCP, 17 UDP).
 */

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** What IPv4 offers a transport. */
export interface IpSender {
  /** This host's address (0 before DHCP has one). */
  localAddress(): number;
  /** The largest transport payload one unfragmented datagram to `dst` can carry (MTU less headers). */
  maxPayload(dst: number): number;
  /**
   * Sends `payload` (the transport's header and data, checksummed by the caller) to `dst` as one IPv4
   * datagram, fragmented where it does not fit. Returns false when it was dropped (no route, the
   * neighbour's MAC still unresolved and its queue full, the link refused it).
   */
  send(dst: number, protocol: number, payload: Uint8Array): boolean;
}

/** What a transport offers IPv4. */
export interface Transport {
  /** A whole (reassembled) datagram for this protocol; `payload` starts at the transport header. */
  receive(src: number, dst: number, payload: Uint8Array): void;
  /** Timers: called by the stack's poll with the clock's time. */
  tick(now: number): void;
}
