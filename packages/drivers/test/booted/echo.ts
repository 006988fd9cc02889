/**
 * A service built into a Toro image by net-boot.test.ts: net0 over the real virtio-net device of QEMU
 * (q35's PCI or microvm's virtio-mmio), DHCP from QEMU's user network, a ping to its gateway, then a
 * TCP echo server on port 7 straight on the stack (no SDK sockets: this tests the driver and the stack
 * in a real guest). A connection whose first bytes are `counters\n` gets the counter lines instead and
 * `exit\n` stops the service; everything else is echoed until the peer half-closes. When idle it sleeps
 * until the device interrupts (or polls with a millisecond's sleep where it cannot).
 */

import { DhcpState, formatIp, formatMac, type TcpConnection, type TcpListener, TcpState } from '@toro/net';
import {
  KernelClock,
  kernelCmdline,
  MachineHw,
  type Net0,
  Rest,
  startNet0,
} from '../../src/machine/index.js';

const GATEWAY = (10 << 24) | (2 << 8) | 2;

export default async function main(): Promise<number> {
  const clock = new KernelClock();
  const hw = new MachineHw();
  const net = startNet0(hw, kernelCmdline(), 0, clock, clock.now() + 1, (l) => console.log(l));
  if (net === null) return 3;
  const rest = new Rest(net, hw);
  console.log(
    `net0: ${net.where} mac ${formatMac(net.nic.mac)} mtu ${net.nic.mtu}${net.nic.interruptDriven ? ' interrupts' : ''}`,
  );
  net.stack.start('dhcp');
  const started = clock.now();
  while (net.stack.dhcp !== null && net.stack.dhcp.state !== DhcpState.Bound) {
    if (clock.now() - started > 20000) {
      console.log('net0: no DHCP lease in 20 s');
      return 4;
    }
    await idle(net, rest);
  }
  console.log(`net0: address ${formatIp(net.stack.ipv4.localAddress())}`);
  let pinged = 0;
  net.stack.ping(GATEWAY, (r) => {
    pinged = r.ok ? 1 : 2;
  });
  while (pinged === 0) await idle(net, rest);
  console.log(`net0: ping ${formatIp(GATEWAY)} ${pinged === 1 ? 'answered' : 'failed'}`);
  const listener = net.tcp.listen(7, { backlog: 64 });
  console.log('net0: echo on port 7');
  return serve(net, listener, rest);
}

/** One round of the owner's loop: the device, the stack, then a rest if nothing came. */
async function idle(net: Net0, rest: Rest): Promise<void> {
  if (net.step(64) === 0) await restUntilTimer(net, rest);
}

/** Nothing to do: rest until the next TCP timer, at most 100 ms (DHCP and ARP count seconds). */
async function restUntilTimer(net: Net0, rest: Rest): Promise<void> {
  const now = net.clock.now();
  const next = net.tcp.nextTimerAt();
  await rest.until(next < 0 || next > now + 100 ? now + 100 : next);
}

/** One accepted connection: what is still owed to the peer, and whether its first bytes came yet. */
class Session {
  owed: Uint8Array = new Uint8Array(0);
  first = true;
  /** Our FIN is queued (or will be, once `owed` is written: closeWhenDrained). */
  finished = false;
  closeWhenDrained = false;
  constructor(readonly c: TcpConnection) {}
}

async function serve(net: Net0, listener: TcpListener, rest: Rest): Promise<number> {
  let open: Session[] = [];
  for (;;) {
    let busy = net.step(64);
    for (let c = listener.accept(); c !== null; c = listener.accept()) open.push(new Session(c));
    for (const s of open) {
      // Write what is still owed before reading more: the peer's window bounds what we hold.
      if (s.owed.length > 0) {
        const n = s.c.write(s.owed);
        s.owed = s.owed.subarray(n);
        if (n > 0) busy++;
      }
      if (s.owed.length === 0 && s.closeWhenDrained && !s.finished) {
        s.finished = true;
        s.c.shutdown();
      }
      if (s.owed.length > 0 || s.finished) continue;
      const data = s.c.read(65536);
      if (data === null) continue;
      busy++;
      if (data.length === 0) {
        // The peer half-closed and every byte is echoed: close our side too.
        s.finished = true;
        s.c.shutdown();
        continue;
      }
      if (s.first && startsWith(data, 'exit\n')) return 0;
      if (s.first && startsWith(data, 'counters\n')) {
        const lines = net.counterLines();
        lines.push(`rest.waits ${rest.waits}`, `rest.wakes ${rest.wakes}`);
        s.owed = new TextEncoder().encode(`${lines.join('\n')}\n`);
        s.closeWhenDrained = true;
      } else s.owed = data;
      s.first = false;
    }
    open = open.filter((s) => s.c.state !== TcpState.Closed && s.c.state !== TcpState.TimeWait);
    if (busy === 0) await restUntilTimer(net, rest);
  }
}

function startsWith(data: Uint8Array, text: string): boolean {
  if (data.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (data[i] !== text.charCodeAt(i)) return false;
  return true;
}
