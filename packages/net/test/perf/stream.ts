// Two whole stacks (Ethernet, ARP, IPv4, TCP) joined by a perfect wire, 16 MiB streamed from A to B:
// the stack's own cost per byte, with no device and no VM. Run on Node or compiled (`toro build
// stream.ts --target linux`) to compare, or under `perf record` to see the hot paths.
import type { Clock, Link } from '../../src/index.js';
import { NetStack, PROTO_TCP, Tcp } from '../../src/index.js';

class WireClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
}

/** One end of the wire: frames it sends are copied into the other end's queue. */
class WireEnd implements Link {
  readonly mtu = 1500;
  queue: Uint8Array[] = [];
  peer: WireEnd | null = null;
  constructor(readonly mac: Uint8Array) {}
  up(): boolean {
    return true;
  }
  transmit(frame: Uint8Array): boolean {
    if (this.peer !== null) this.peer.queue.push(frame.slice());
    return true;
  }
}

const clock = new WireClock();
const la = new WireEnd(new Uint8Array([2, 0, 0, 0, 0, 1]));
const lb = new WireEnd(new Uint8Array([2, 0, 0, 0, 0, 2]));
la.peer = lb;
lb.peer = la;
const a = new NetStack(la, clock, 1);
const b = new NetStack(lb, clock, 2);
const ADDR_A = 0x0a000001;
const ADDR_B = 0x0a000002;
a.configure({ address: ADDR_A, netmask: 0xffffff00, gateway: 0, dns: [], mtu: 0 });
b.configure({ address: ADDR_B, netmask: 0xffffff00, gateway: 0, dns: [], mtu: 0 });
const ta = new Tcp(a.ipv4, clock, a.counters, { seed: [1] });
const tb = new Tcp(b.ipv4, clock, b.counters, { seed: [2] });
a.registerTransport(PROTO_TCP, ta);
b.registerTransport(PROTO_TCP, tb);

const TOTAL = 16 << 20;
const chunk = new Uint8Array(65536);
for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7 + 3) & 0xff;
const listener = tb.listen(7);
const client = ta.connect(ADDR_B, 7);
let server = listener.accept();
let sent = 0;
let received = 0;
let sum = 0;
let rounds = 0;
while (received < TOTAL && rounds < 200000) {
  rounds++;
  clock.t += 1;
  if (server === null) server = listener.accept();
  while (sent < TOTAL) {
    const n = client.write(
      chunk,
      sent % chunk.length,
      Math.min(chunk.length - (sent % chunk.length), TOTAL - sent),
    );
    if (n === 0) break;
    sent += n;
  }
  for (let q = la.queue, i = 0; i < q.length; i++) a.receive(q[i]);
  la.queue = [];
  for (let q = lb.queue, i = 0; i < q.length; i++) b.receive(q[i]);
  lb.queue = [];
  if (server !== null) {
    for (let d = server.read(); d !== null && d.length > 0; d = server.read()) {
      sum = (sum + d[0] + d[d.length - 1]) | 0;
      received += d.length;
    }
  }
  a.tick(clock.t);
  b.tick(clock.t);
  ta.tick(clock.t);
  tb.tick(clock.t);
}
console.log(`received ${received} of ${TOTAL} in ${rounds} rounds, sum ${sum}`);
console.log(`a tcp.tx ${a.counters.get('tcp.tx')} b tcp.tx ${b.counters.get('tcp.tx')}`);
