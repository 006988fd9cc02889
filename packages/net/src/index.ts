/**
 * @toro/net: the TCP/IP stack. It is written in the TypeScript subset Toro's compiler takes, so the same
 * files run in a booted image (over the virtio-net driver, on the CPU the network is dedicated to) and on
 * Node.js over a simulated link in the tests.
 */
export * from './arp.js';
export * from './bytes.js';
export { checksum, finish, pseudoHeaderSum, sumBytes } from './checksum.js';
export * from './config.js';
export { type CounterSource, Counters, isTrouble, TroubleReport } from './counters.js';
export * from './dhcp.js';
export * from './dns.js';
export * from './ethernet.js';
export * from './icmp.js';
export * from './ipv4.js';
export type { Clock, Link } from './link.js';
export {
  type IcmpError,
  type IpSender,
  PROTO_ICMP,
  PROTO_TCP,
  PROTO_UDP,
  type Transport,
} from './protocol.js';
export * from './sockets/index.js';
export * from './stack.js';
export {
  Tcp,
  TcpConfig,
  TcpConnection,
  TcpError,
  TcpEvent,
  TcpListener,
  type TcpOptions,
  TcpState,
} from './tcp/index.js';
export * from './udp.js';
