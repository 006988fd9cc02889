// PCI on the simulated q35-like bus: enumeration (bridge, multi-function), BAR sizing, the capability walk, MSI-X.
import { describe, expect, it } from 'vitest';
import { BarKind, readBars } from '../src/pci/bar.js';
import { CAP_MSIX, CAP_VENDOR, capabilities } from '../src/pci/capability.js';
import { EcamConfig, LegacyConfig } from '../src/pci/config.js';
import { enumerate } from '../src/pci/enumerate.js';
import { MsixTable } from '../src/pci/msix.js';
import { SimMachine } from './sim/machine.js';
import { SimPciFunction } from './sim/pci.js';
import { q35Bus } from './sim/setup.js';
import { SimVirtioNet } from './sim/virtio-net.js';

function rig() {
  const machine = new SimMachine();
  const bus = q35Bus(machine, new SimVirtioNet(machine));
  return { machine, bus };
}

describe('PCI enumeration', () => {
  it('finds bus 0, the functions of a multi-function device and a device behind a bridge', () => {
    const { machine, bus } = rig();
    bus.add(1, 2, 0, new SimPciFunction(0x1b36, 0x000d, 0x0c, 0x03, {}));
    // Function 4 of a single-function device must not be looked for.
    bus.add(0, 3, 4, new SimPciFunction(0xdead, 0xbeef, 0xff, 0, {}));
    for (const cfg of [new LegacyConfig(machine), new EcamConfig(machine, bus.ecamBase, 0, 255)]) {
      const names = enumerate(cfg).map(
        (f) => `${f.name} ${f.vendorId.toString(16)}:${f.deviceId.toString(16)}`,
      );
      expect(names).toEqual([
        '00:00.0 8086:29c0',
        '00:03.0 1af4:1041',
        '00:1e.0 8086:244e',
        '01:02.0 1b36:d',
        '00:1f.0 8086:2918',
        '00:1f.2 8086:2922',
        '00:1f.3 8086:2930',
      ]);
    }
    expect(machine.violations).toEqual([]);
  });

  it('ends on a bridge loop and ignores bridges with unassigned buses', () => {
    const { machine, bus } = rig();
    bus.addBridge(1, 0, 1); // secondary == its own bus
    bus.addBridge(0, 0x1d, 0); // unassigned
    const fns = enumerate(new LegacyConfig(machine));
    expect(fns.filter((f) => f.headerType === 1).length).toBe(3);
  });
});

describe('BARs and capabilities', () => {
  it('sizes I/O, 32-bit and 64-bit memory BARs and restores them', () => {
    const { machine, bus } = rig();
    const f = new SimPciFunction(0x1234, 0x5678, 2, 0, {});
    f.setBar(0, { kind: 'io', size: 0x40, address: 0xc040 });
    f.setBar(1, { kind: 'mem32', size: 0x1000, address: 0xfebd0000 });
    f.setBar(2, { kind: 'mem64', size: 0x100000, address: 0xfe800000, prefetchable: true });
    bus.add(0, 5, 0, f);
    const fn = enumerate(new LegacyConfig(machine)).find((x) => x.dev === 5);
    if (fn === undefined) throw new Error('not found');
    const bars = readBars(fn);
    expect(bars.map((b) => [b.index, b.kind, b.address, b.size, b.prefetchable])).toEqual([
      [0, BarKind.Io, 0xc040, 0x40, false],
      [1, BarKind.Mem32, 0xfebd0000, 0x1000, false],
      [2, BarKind.Mem64, 0xfe800000, 0x100000, true],
      [3, BarKind.None, 0, 0, false],
      [4, BarKind.None, 0, 0, false],
      [5, BarKind.None, 0, 0, false],
    ]);
    expect(f.barAddress(2)).toBe(0xfe800000);
    expect(f.barAddress(0)).toBe(0xc040);
  });

  it('walks the capability list of the virtio-net function and survives a looping list', () => {
    const { machine } = rig();
    const fn = enumerate(new LegacyConfig(machine)).find((f) => f.deviceId === 0x1041);
    if (fn === undefined) throw new Error('not found');
    const caps = capabilities(fn);
    expect(caps.map((c) => c.id)).toEqual([CAP_MSIX, CAP_VENDOR, CAP_VENDOR, CAP_VENDOR, CAP_VENDOR]);
    expect(caps.map((c) => fn.read8(c.offset + 3)).slice(1)).toEqual([1, 3, 4, 2]);
    const looped = new SimPciFunction(1, 2, 3, 4, {});
    const a = looped.addCap(0x05, [0, 0]);
    const b = looped.addCap(0x10, [0, 0]);
    looped.config[b + 1] = a; // b → a → b …
    const { machine: m2, bus: bus2 } = rig();
    bus2.add(0, 7, 0, looped);
    const lf = enumerate(new LegacyConfig(m2)).find((f) => f.dev === 7);
    if (lf === undefined) throw new Error('not found');
    expect(capabilities(lf).map((c) => c.offset)).toEqual([a, b]);
  });

  it('programs and enables an MSI-X table entry, and the device interrupts through it', () => {
    const { machine } = rig();
    const fn = enumerate(new LegacyConfig(machine)).find((f) => f.deviceId === 0x1041);
    if (fn === undefined) throw new Error('not found');
    const cap = capabilities(fn).find((c) => c.id === CAP_MSIX);
    if (cap === undefined) throw new Error('no MSI-X');
    const table = MsixTable.open(machine, fn, cap, readBars(fn));
    expect(table?.size).toBe(3);
    expect(table?.tableAddress).toBe(0xfebd1000);
    fn.enable(2);
    table?.enableMasked();
    expect(table?.program(2, 0xfee00000, 0x41)).toBe(true);
    expect(table?.program(3, 0xfee00000, 0x41)).toBe(false);
    expect(fn.read16(cap.offset + 2) & 0xc000).toBe(0xc000);
    table?.unmaskFunction();
    expect(fn.read16(cap.offset + 2) & 0xc000).toBe(0x8000);
    expect(machine.read32(0xfebd1000 + 2 * 16 + 8)).toBe(0x41);
    expect(machine.read32(0xfebd1000 + 2 * 16 + 12)).toBe(0);
  });
});
