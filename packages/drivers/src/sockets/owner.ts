/**
 * The network owner in a booted image: on the CPU that net0 is dedicated to, the first socket call
 * brings up the device (../machine/net0.ts), configures the stack (the kernel command line's `ip=`
 * word, DHCP without one) and starts the owner loop, a thread of that CPU that steps the device and the
 * stack and wakes the socket calls parked on them, and sleeps until the device interrupts when there is
 * nothing to do. Everything else on the CPU is an ordinary thread.
 */
import {
  DhcpState,
  formatIp,
  formatMac,
  type NetConfig,
  parseNetConfig,
  parseStatsInterval,
  SocketError,
  Sockets,
  TroubleReport,
} from '@toro/net';
import { currentCpu, memoryStats, sleep, spawn, yieldNow } from '@toro/sdk';
import { KernelClock, kernelCmdline } from '../machine/kernel.js';
import { MachineHw } from '../machine/machine-hw.js';
import { type Net0, startNet0 } from '../machine/net0.js';
import { Rest } from '../machine/rest.js';
import { ChannelSignal } from './channel-signal.js';

/** How long the first socket call waits for a DHCP lease. */
const DHCP_WAIT_MS = 20000;
/** Frames the owner takes from the device per round. */
const BUDGET = 64;
/** How often the owner logs the trouble counters that moved (drops, retransmissions…), ms. */
const REPORT_MS = 10000;

let sockets: Sockets | null = null;
let net: Net0 | null = null;
let starting = false;
let failure = '';

/** One `net0: stats …` line: every counter of the device and the stack, the connection table's size,
 * how the owner rested (ownerLoop), and the free memory of the network CPU's node. */
function statsLine(n: Net0, rest: Rest): string {
  const parts: string[] = [];
  for (const line of n.counterLines()) parts.push(line.replace(' ', '='));
  parts.push(`owner.waits=${rest.waits}`, `owner.wakes=${rest.wakes}`);
  parts.push(`mem.free=${memoryStats().freeBytes}`);
  return `net0: stats ${parts.join(' ')}`;
}

/** The `ip=` word of the kernel command line, or DHCP. */
function configuration(cmdline: string): NetConfig {
  for (const word of cmdline.split(' ')) {
    if (!word.startsWith('ip=')) continue;
    const parsed = parseNetConfig(word);
    if (parsed.config === null)
      throw new SocketError('EINVAL', `net0: kernel command line ${word}: ${parsed.error}`);
    return parsed.config;
  }
  return 'dhcp';
}

/** The longest the owner sleeps when idle: the stack's own timers (ARP, DHCP, reassembly) count seconds. */
const IDLE_MAX_MS = 1000;

/**
 * The owner loop: the device, the stack's timers, the parked calls, round after round while there is
 * work (polling under load). With nothing to do it turns the device's receive interrupts on and sleeps
 * until one comes, another thread of the CPU gives the stack work (Sockets.onActivity kicks the wait),
 * or the next timer is due; a device without interrupts is polled a millisecond apart.
 * Every REPORT_MS it logs `net0: trouble: …` when a drop, error or retransmission counter moved, and
 * with `net.stats=SECONDS` on the kernel command line every counter that often (statsLine).
 */
async function ownerLoop(n: Net0, s: Sockets, hw: MachineHw): Promise<void> {
  const report = new TroubleReport();
  let nextReport = n.clock.now() + REPORT_MS;
  const stats = parseStatsInterval(kernelCmdline());
  if (stats.error !== '') console.log(`net0: ${stats.error}: no stats logged`);
  const statsMs = stats.ms;
  let nextStats = n.clock.now() + statsMs;
  const rest = new Rest(n, hw);
  s.onActivity(() => rest.kick());
  for (;;) {
    const frames = n.step(BUDGET);
    const woken = await s.wake();
    if (n.clock.now() >= nextReport) {
      nextReport = n.clock.now() + REPORT_MS;
      const line = report.line([n.nic.counters, n.stack.counters]);
      if (line !== '') console.log(`net0: trouble: ${line}`);
    }
    if (statsMs > 0 && n.clock.now() >= nextStats) {
      nextStats = n.clock.now() + statsMs;
      console.log(statsLine(n, rest));
    }
    const next = s.nextDeadline();
    // Work done, or work for now (a socket marked, the timers stale): a round after the other threads.
    if (frames + woken > 0 || next === 0) await yieldNow();
    else {
      let until = Math.min(n.clock.now() + IDLE_MAX_MS, nextReport);
      if (statsMs > 0) until = Math.min(until, nextStats);
      if (next > 0) until = Math.min(until, next);
      await rest.until(until);
    }
  }
}

/** The sockets of this CPU's network, brought up on first use; fails with the reason it cannot be. */
export async function localSockets(): Promise<Sockets> {
  const cpu = currentCpu();
  while (starting) await sleep(1);
  if (sockets !== null) return sockets;
  if (failure !== '') throw new SocketError('ENETUNREACH', failure);
  starting = true;
  try {
    const clock = new KernelClock();
    const log = (line: string): void => console.log(line);
    const hw = new MachineHw();
    const n = startNet0(hw, kernelCmdline(), cpu, clock, clock.now() + 1, log);
    if (n === null) {
      failure = 'no network device: run the image with a network (toro run -p HOST:GUEST)';
      throw new SocketError('ENETUNREACH', failure);
    }
    const config = configuration(kernelCmdline());
    n.stack.start(config);
    const s = new Sockets(n.stack, n.tcp, () => new ChannelSignal());
    spawn(ownerLoop, n, s, hw);
    const started = clock.now();
    while (n.stack.ipv4.localAddress() === 0) {
      if (clock.now() - started > DHCP_WAIT_MS) {
        failure = `net0: no DHCP lease in ${DHCP_WAIT_MS / 1000} s`;
        throw new SocketError('ENETUNREACH', failure);
      }
      await sleep(1);
    }
    console.log(
      `net0: ${n.where} mac ${formatMac(n.nic.mac)} address ${formatIp(n.stack.ipv4.localAddress())}${
        n.stack.dhcp !== null && n.stack.dhcp.state === DhcpState.Bound ? ' (dhcp)' : ''
      }`,
    );
    net = n;
    sockets = s;
    return s;
  } finally {
    starting = false;
  }
}

/** The counters of net0 (`name value` lines), or none before the network is up. */
export function counterLines(): string[] {
  return net === null ? [] : net.counterLines();
}
