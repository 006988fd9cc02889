/**
 * One scenario run twice: on Node (compiled.test.ts imports it) and compiled by Toro's own compiler
 * (main.ts). The virtio-net driver moves frames both ways through the simulated q35 (PCI) and microvm
 * (MMIO) devices, then carries the whole network stack: DHCP and pings against a slirp-like peer on the
 * device's far side. Both runs must log the same lines.
 */
import { DhcpState, formatIp, NetStack } from '../../../net/src/index.js';
import { VirtualClock } from '../../../net/test/sim/sim.js';
import { SLIRP_GW, SlirpPeer } from '../../../net/test/sim/slirp.js';
import { frameOf, mmioRig, pciRig, type Rig } from '../sim/setup.js';

export function scenario(log: (line: string) => void): void {
  frames(log, 'pci', pciRig({}, { queueSize: 64 }));
  frames(log, 'mmio', mmioRig({}, { queueSize: 64 }));
  stackOverDriver(log);
}

/** 2000 frames each way through 64-entry rings; a running sum of every byte on each side. */
function frames(log: (line: string) => void, name: string, r: Rig): void {
  let received = 0;
  for (let i = 0; i < 2000; i++) {
    const len = 60 + ((i * 37) % 1455);
    r.net.transmit(frameOf(len, i));
    r.dev.inject(frameOf(len, i));
    received += r.net.poll();
  }
  log(`${name}: received ${received} transmitted ${r.dev.transmitted.length}`);
  log(
    `${name}: sums rx ${sumFrames(r.frames.map((f) => f.frame))} tx ${sumFrames(r.dev.transmitted.map((f) => f.frame))}`,
  );
  log(`${name}: violations ${r.machine.violations.length} device errors ${r.dev.errors.length}`);
  for (const [counter, value] of r.net.counters.entries()) log(`${name}: ${counter} ${value}`);
}

function sumFrames(fs: Uint8Array[]): number {
  let sum = 0;
  for (const f of fs) for (let i = 0; i < f.length; i++) sum = (sum * 31 + f[i]) % 1000000007;
  return sum;
}

/** NetStack → VirtioNet → simulated virtio-net-pci → a slirp-like peer, and back. */
function stackOverDriver(log: (line: string) => void): void {
  const r = pciRig();
  const clock = new VirtualClock(0);
  const stack = new NetStack(r.net, clock, 3);
  r.net.onReceive((frame) => stack.receive(frame));
  const peer = new SlirpPeer();
  let seen = 0;
  const step = (): void => {
    stack.poll();
    while (seen < r.dev.transmitted.length) {
      for (const reply of peer.handle(r.dev.transmitted[seen].frame)) r.dev.inject(reply);
      seen++;
    }
    r.net.poll();
    clock.advance(1);
  };
  stack.start('dhcp');
  for (let i = 0; i < 20000 && (stack.dhcp === null || stack.dhcp.state !== DhcpState.Bound); i++) step();
  log(`stack over virtio: address ${formatIp(stack.ipv4.localAddress())} at ${clock.now()} ms`);
  let answered = 0;
  for (let n = 0; n < 3; n++) {
    let done = false;
    stack.ping(SLIRP_GW, (res) => {
      done = true;
      if (res.ok) answered++;
    });
    for (let i = 0; i < 5000 && !done; i++) step();
  }
  log(`stack over virtio: pings answered ${answered} of 3; peer saw ${peer.seen.join(',')}`);
  log(`stack over virtio: violations ${r.machine.violations.length} device errors ${r.dev.errors.length}`);
}
