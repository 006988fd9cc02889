/**
 * One scenario the stack runs twice: on Node (compiled.test.ts imports it) and compiled by Toro's own
 * compiler into a native executable (main.ts). Both must log the same lines: that is the proof that the
 * stack's sources are in the subset the compiler takes and mean the same there.
 */
import { DhcpState, formatIp, NetStack } from '../../src/index.js';
import { CaptureLink, OUR_MAC, VirtualClock } from '../sim/sim.js';
import { SimWire, SLIRP_GW, SlirpPeer } from '../sim/slirp.js';
import { ADDR_B, Net, Prng } from '../tcp/harness.js';

export function scenario(log: (line: string) => void): void {
  lowerLayers(log);
  tcpTransfer(log);
}

/** DHCP, pings and a DNS lookup against a slirp-like peer over a wire that loses, duplicates and reorders. */
function lowerLayers(log: (line: string) => void): void {
  const peer = new SlirpPeer();
  peer.zone.set('toro.test', [0x0a000263]);
  const link = new CaptureLink(OUR_MAC);
  const clock = new VirtualClock(0);
  const stack = new NetStack(link, clock, 5);
  stack.start('dhcp');
  const wire = new SimWire(stack, link, clock, peer, {
    loss: 0.1,
    duplicate: 0.1,
    reorder: 0.1,
    delayMs: 3,
    seed: 9,
  });
  const bound = wire.run(() => stack.dhcp !== null && stack.dhcp.state === DhcpState.Bound, 120_000);
  log(`dhcp bound=${bound} at=${clock.now()} address=${formatIp(stack.ipv4.localAddress())}`);
  let pings = 0;
  for (let i = 0; i < 5; i++) {
    let done = false;
    stack.ping(SLIRP_GW, (r) => {
      done = true;
      if (r.ok) pings++;
      log(`ping seq=${r.seq} ok=${r.ok} rtt=${r.rtt} error=${r.error}`);
    });
    wire.run(() => done, 10_000);
  }
  let resolved = '';
  stack.resolve('toro.test', (err, addrs) => {
    resolved = err ? `error ${err.code}` : addrs.map(formatIp).join(',');
  });
  wire.run(() => resolved !== '', 30_000);
  log(`resolve toro.test -> ${resolved}; pings answered ${pings}`);
  for (const [name, value] of stack.counters.entries()) log(`${name} ${value}`);
}

/** 256 KiB over TCP through a pipe with 5% loss, reordering and duplication; then both sides close. */
function tcpTransfer(log: (line: string) => void): void {
  const net = new Net({ loss: 0.05, reorder: 0.05, duplicate: 0.05, delay: 5, seed: 11 });
  const listener = net.b.listen(7);
  const client = net.a.connect(ADDR_B, 7);
  const data = new Prng(3).bytes(256 * 1024);
  let sent = 0;
  let received = 0;
  let sum = 0;
  let inOrder = true;
  let server = listener.accept();
  const done = net.run(600000, () => {
    if (server === null) server = listener.accept();
    if (sent < data.length) sent += client.write(data, sent, data.length - sent);
    if (server !== null) {
      for (let b = server.read(); b !== null && b.length > 0; b = server.read()) {
        for (let i = 0; i < b.length; i++) {
          if (b[i] !== data[received + i]) inOrder = false;
          sum = (sum * 31 + b[i]) % 1000000007;
        }
        received += b.length;
      }
    }
    return received === data.length;
  });
  log(`tcp done=${done} received=${received} inOrder=${inOrder} sum=${sum} at=${net.clock.now()}`);
  client.close();
  if (server !== null) server.close();
  net.run(net.clock.now() + 120000, () => net.a.connectionCount === 0 && net.b.connectionCount === 0);
  log(`tcp after close: connections ${net.a.connectionCount} ${net.b.connectionCount}`);
  for (const [name, value] of net.ca.entries()) log(`a ${name} ${value}`);
  for (const [name, value] of net.cb.entries()) log(`b ${name} ${value}`);
}
