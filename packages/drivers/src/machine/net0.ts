/**
 * net0 in a booted image: finds the virtio-net device (PCI on q35, the command line's virtio-mmio list on
 * microvm), brings up the driver on the owning CPU and puts the network stack with TCP on it. The owner
 * calls `step()` in its loop: frames from the device into the stack, timers, and back.
 */
import { type Clock, NetStack, Tcp } from '@toro/net';
import type { Hw } from '../hw.js';
import { LegacyConfig } from '../pci/config.js';
import { enumerate } from '../pci/enumerate.js';
import { parseVirtioMmioCmdline } from '../virtio/cmdline.js';
import { DEVICE_NET } from '../virtio/constants.js';
import { VirtioMmioTransport } from '../virtio/mmio-transport.js';
import { VirtioNet } from '../virtio/net.js';
import { isVirtioPci, VirtioPciTransport } from '../virtio/pci-transport.js';
import type { Transport } from '../virtio/transport.js';

const PROTO_TCP = 6;
/** "virt" little-endian at a virtio-mmio transport's offset 0; offset 8 is the device id (0: none). */
const VIRTIO_MMIO_MAGIC = 0x74726976;
/** virtio-net-pci's modern device id (0x1040 + 1). */
const PCI_VIRTIO_NET = 0x1041;
/** The transitional (legacy-capable) id: its modern interface is used when it has one. */
const PCI_VIRTIO_NET_TRANSITIONAL = 0x1000;

/** Where net0 was found, for the log: `pci 00:03.0` or `mmio 0xfeb00e00 irq 12`. */
export interface FoundNic {
  readonly transport: Transport;
  readonly where: string;
}

/**
 * QEMU microvm's virtio-mmio transports: 512 bytes each from 0xfeb00000 — 24 with ACPI and the second
 * I/O APIC (QEMU 7's default), slot i on GSI 24 + i; 8 otherwise, slot i on GSI 5 + i — each answering
 * the magic value with or without a device behind it; QEMU fills them from the last one down. QEMU lists
 * them on the command line only with acpi=off (with ACPI they are in the DSDT, which the kernel does not
 * interpret), so where the command line names none and there is no PCI bus, the slots are probed, the
 * last first, and each one's line follows from the layout (whether slot 8 answers).
 */
const MICROVM_MMIO_BASE = 0xfeb00000;
const MICROVM_MMIO_SIZE = 512;
const MICROVM_MMIO_SLOTS = 24;
const MICROVM_SMALL_SLOTS = 8;
const MICROVM_GSI_BASE = 24;
const MICROVM_SMALL_GSI_BASE = 5;

/**
 * The first virtio network device: PCI functions first, then the command line's virtio-mmio devices,
 * then (no PCI bus, nothing on the command line) microvm's fixed virtio-mmio slots.
 */
export function findNic(hw: Hw, cmdline: string, log: (line: string) => void): FoundNic | null {
  const functions = enumerate(new LegacyConfig(hw));
  for (const fn of functions) {
    if (!isVirtioPci(fn)) continue;
    if (fn.deviceId !== PCI_VIRTIO_NET && fn.deviceId !== PCI_VIRTIO_NET_TRANSITIONAL) continue;
    try {
      return { transport: new VirtioPciTransport(hw, fn), where: `pci ${fn.name}` };
    } catch (e) {
      log(`net0: pci ${fn.name} skipped: ${messageOf(e)}`);
    }
  }
  const mmio = parseVirtioMmioCmdline(cmdline);
  for (const word of mmio.rejected) log(`net0: ignored malformed ${word}`);
  const candidates = mmio.devices.slice();
  if (candidates.length === 0 && functions.length === 0) {
    const wide =
      hw.read32(MICROVM_MMIO_BASE + MICROVM_SMALL_SLOTS * MICROVM_MMIO_SIZE) >>> 0 === VIRTIO_MMIO_MAGIC;
    const slots = wide ? MICROVM_MMIO_SLOTS : MICROVM_SMALL_SLOTS;
    const gsi = wide ? MICROVM_GSI_BASE : MICROVM_SMALL_GSI_BASE;
    for (let i = slots - 1; i >= 0; i--)
      candidates.push({
        base: MICROVM_MMIO_BASE + i * MICROVM_MMIO_SIZE,
        size: MICROVM_MMIO_SIZE,
        irq: gsi + i,
      });
  }
  for (const d of candidates) {
    if (hw.read32(d.base) >>> 0 !== VIRTIO_MMIO_MAGIC || hw.read32(d.base + 8) === 0) continue;
    try {
      const t = new VirtioMmioTransport(hw, d);
      if (t.deviceId() === DEVICE_NET)
        return {
          transport: t,
          where: `mmio 0x${d.base.toString(16)} ${d.irq < 0 ? 'polled' : `irq ${d.irq}`}`,
        };
    } catch (e) {
      log(`net0: mmio 0x${d.base.toString(16)} skipped: ${messageOf(e)}`);
    }
  }
  return null;
}

/** The NIC, the stack over it and TCP, owned by one CPU. */
export class Net0 {
  readonly stack: NetStack;
  readonly tcp: Tcp;

  constructor(
    readonly nic: VirtioNet,
    readonly clock: Clock,
    readonly where: string,
    seed: number,
  ) {
    this.stack = new NetStack(nic, clock, seed);
    this.tcp = new Tcp(this.stack.ipv4, clock, this.stack.counters, { seed: [seed] });
    this.stack.registerTransport(PROTO_TCP, this.tcp);
    nic.onReceive((frame) => this.stack.receive(frame));
  }

  /** One round: received frames into the stack, then every due timer. Returns the frames handled. */
  step(budget: number): number {
    const n = this.nic.poll(budget);
    this.stack.poll();
    return n;
  }

  /** The counters of the driver and of the stack, `name value` each, for a user reading a log. */
  counterLines(): string[] {
    const lines: string[] = [];
    for (const [name, value] of this.nic.counters.entries()) lines.push(`${name} ${value}`);
    for (const [name, value] of this.stack.counters.entries()) lines.push(`${name} ${value}`);
    lines.push(`tcp.table ${this.tcp.connectionCount}`);
    return lines;
  }
}

/** Brings net0 up on `cpu`; null (with the reason logged) when there is no usable device. */
export function startNet0(
  hw: Hw,
  cmdline: string,
  cpu: number,
  clock: Clock,
  seed: number,
  log: (line: string) => void,
): Net0 | null {
  const found = findNic(hw, cmdline, log);
  if (found === null) {
    log(`net0: no virtio-net device (command line: ${cmdline === '' ? 'empty' : cmdline})`);
    return null;
  }
  try {
    return new Net0(new VirtioNet(hw, found.transport, { cpu }), clock, found.where, seed);
  } catch (e) {
    log(`net0: ${found.where}: ${messageOf(e)}`);
    return null;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
