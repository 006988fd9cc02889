/** Ready-made simulated machines for the tests: a q35-like PCI bus with a virtio-net, or a microvm-like virtio-mmio device. */
import { EcamConfig, LegacyConfig } from '../../src/pci/config.js';
import { enumerate } from '../../src/pci/enumerate.js';
import { VirtioMmioTransport } from '../../src/virtio/mmio-transport.js';
import { VirtioNet, type VirtioNetOptions } from '../../src/virtio/net.js';
import { isVirtioPci, VirtioPciTransport } from '../../src/virtio/pci-transport.js';
import { virtioNetMmio, virtioNetPci } from './fronts.js';
import { SimMachine } from './machine.js';
import { SimPciBus, SimPciFunction } from './pci.js';
import { SimVirtioNet, type SimVirtioNetOptions } from './virtio-net.js';

export interface Rig {
  machine: SimMachine;
  dev: SimVirtioNet;
  net: VirtioNet;
  frames: { frame: Uint8Array; valid: boolean }[];
}

/** The q35-like bus: host bridge 00:00.0, virtio-net 00:03.0, a multi-function 00:1f.{0,2,3}, a bridge 00:1e.0 → bus 1. */
export function q35Bus(machine: SimMachine, dev: SimVirtioNet): SimPciBus {
  const bus = new SimPciBus(machine);
  bus.add(0, 0, 0, new SimPciFunction(0x8086, 0x29c0, 0x06, 0x00, {}));
  bus.add(0, 3, 0, virtioNetPci(machine, dev).fn);
  bus.add(0, 0x1f, 0, new SimPciFunction(0x8086, 0x2918, 0x06, 0x01, { multi: true }));
  bus.add(0, 0x1f, 2, new SimPciFunction(0x8086, 0x2922, 0x01, 0x06, {}));
  bus.add(0, 0x1f, 3, new SimPciFunction(0x8086, 0x2930, 0x0c, 0x05, {}));
  bus.addBridge(0, 0x1e, 1);
  return bus;
}

export function pciRig(
  devOpts: SimVirtioNetOptions = {},
  netOpts: Partial<VirtioNetOptions> = {},
  ecam = false,
): Rig {
  const machine = new SimMachine();
  const dev = new SimVirtioNet(machine, devOpts);
  const bus = new SimPciBus(machine);
  bus.add(0, 3, 0, virtioNetPci(machine, dev).fn);
  const cfg = ecam ? new EcamConfig(machine, bus.ecamBase, 0, 255) : new LegacyConfig(machine);
  const fn = enumerate(cfg).find(isVirtioPci);
  if (fn === undefined) throw new Error('no virtio function');
  const net = new VirtioNet(machine, new VirtioPciTransport(machine, fn), { cpu: 0, ...netOpts });
  const frames: Rig['frames'] = [];
  net.onReceive((frame, valid) => frames.push({ frame, valid }));
  return { machine, dev, net, frames };
}

export function mmioRig(devOpts: SimVirtioNetOptions = {}, netOpts: Partial<VirtioNetOptions> = {}): Rig {
  const machine = new SimMachine();
  const dev = new SimVirtioNet(machine, devOpts);
  virtioNetMmio(machine, dev, 0xfeb00e00, 12, 2);
  const net = new VirtioNet(
    machine,
    new VirtioMmioTransport(machine, { base: 0xfeb00e00, size: 512, irq: 12 }),
    { cpu: 0, ...netOpts },
  );
  const frames: Rig['frames'] = [];
  net.onReceive((frame, valid) => frames.push({ frame, valid }));
  return { machine, dev, net, frames };
}

/** An Ethernet frame of `len` bytes whose payload encodes `seq`, to check order and content. */
export function frameOf(len: number, seq: number): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]);
  for (let i = 14; i < len; i++) f[i] = (seq * 7 + i) & 0xff;
  if (len >= 18) {
    f[14] = seq & 0xff;
    f[15] = (seq >>> 8) & 0xff;
    f[16] = (seq >>> 16) & 0xff;
  }
  return f;
}
