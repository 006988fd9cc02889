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
  /**
   * The earliest time `tick` has work (Infinity when none), so a driver loop can sleep until then.
   * A transport without it is ticked at least every TRANSPORT_TICK_MS.
   */
  nextTimer?: () => number;
  /** An ICMP error (unreachable, time exceeded, parameter problem) about a datagram this protocol sent. */
  icmpError?: (error: IcmpError) => void;
}

/** A received ICMP error, as ICMP (icmp.ts) hands it to the transport whose datagram it quotes. */
export interface IcmpError {
  /** ICMP type (3 unreachable, 11 time exceeded, 12 parameter problem) and code. */
  type: number;
  code: number;
  /** Who sent the error (a router or the destination host). */
  reporter: number;
  /** The quoted datagram's source, destination and protocol. */
  src: number;
  dst: number;
  protocol: number;
  /** The quoted transport bytes: at least the first 8 (ports and, for TCP, the sequence number). */
  quoted: Uint8Array;
  /** For "fragmentation needed" (type 3 code 4): the next-hop MTU, else 0. */
  mtu: number;
}
