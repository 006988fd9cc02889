/**
 * The two transports of the simulated virtio-net: a virtio-pci modern function (vendor capabilities for
 * common/notify/ISR/device config in a 64-bit BAR 4, MSI-X table and PBA in BAR 1, as QEMU lays them out)
 * or a legacy-only one (I/O BAR, no capabilities), and a virtio-mmio register block (version 2, or 1 for
 * a legacy device) with an interrupt line.
 */
import type { SimMachine } from './machine.js';
import { SimPciFunction } from './pci.js';
import type { SimVirtioNet } from './virtio-net.js';

const COMMON = 0x0;
const ISR = 0x1000;
const DEVCFG = 0x2000;
const NOTIFY = 0x3000;
export const NOTIFY_MULTIPLIER = 4;

export interface SimPciNet {
  fn: SimPciFunction;
  dev: SimVirtioNet;
  isr: number;
}

/** A virtio-net-pci function (modern, 1af4:1041) with its BARs at `bar4` (16 KiB) and `bar1` (4 KiB). */
export function virtioNetPci(
  machine: SimMachine,
  dev: SimVirtioNet,
  layout: { bar4?: number; bar1?: number; msixEntries?: number } = {},
): SimPciNet {
  const bar4 = layout.bar4 ?? 0xfe000000;
  const bar1 = layout.bar1 ?? 0xfebd1000;
  const msixEntries = layout.msixEntries ?? 3;
  const fn = new SimPciFunction(0x1af4, 0x1041, 0x02, 0x00, { subsystem: 1, revision: 1 });
  fn.setBar(1, { kind: 'mem32', size: 0x1000, address: bar1 });
  fn.setBar(4, { kind: 'mem64', size: 0x4000, address: bar4, prefetchable: true });
  const vcap = (type: number, bar: number, off: number, len: number, extra: number[]) =>
    fn.addCap(0x09, [16 + extra.length, type, bar, 0, 0, 0, ...le32(off), ...le32(len), ...extra]);
  const msixCap = fn.addCap(0x11, [...le16(msixEntries - 1), ...le32(1), ...le32(1 | 0x800)], [[3, 4]]);
  vcap(1, 4, COMMON, 0x38, []);
  vcap(3, 4, ISR, 0x1000, []);
  vcap(4, 4, DEVCFG, 0x1000, []);
  vcap(2, 4, NOTIFY, 0x1000, le32(NOTIFY_MULTIPLIER));
  const table = new Uint8Array(0x1000);
  const tv = new DataView(table.buffer);
  const s: SimPciNet = { fn, dev, isr: 0 };
  let queueSel = 0;
  let dfSel = 0;
  let gfSel = 0;
  let configVector = 0xffff;
  const msixOn = () => (fn.config[msixCap + 3] & 0x80) !== 0;
  const fnMasked = () => (fn.config[msixCap + 3] & 0x40) !== 0;
  dev.interrupt = (q) => {
    const entry = q < 0 ? configVector : dev.queues[q].vector;
    if (!msixOn()) {
      s.isr |= q < 0 ? 2 : 1;
      return;
    }
    if (entry === 0xffff || entry >= msixEntries) return;
    if (fnMasked() || (tv.getUint32(entry * 16 + 12, true) & 1) !== 0) {
      table[0x800 + (entry >> 3)] |= 1 << (entry & 7);
      return;
    }
    machine.deliverMsi(tv.getUint32(entry * 16, true), tv.getUint32(entry * 16 + 8, true));
  };
  machine.mmio.push({
    contains: (a) => fn.memoryEnabled() && a >= fn.barAddress(1) && a < fn.barAddress(1) + 0x1000,
    read: (a, size) => readLe(table, a - fn.barAddress(1), size),
    write: (a, size, v) => writeLe(table, a - fn.barAddress(1), size, v),
  });
  machine.mmio.push({
    contains: (a) => fn.memoryEnabled() && a >= fn.barAddress(4) && a < fn.barAddress(4) + 0x4000,
    read: (a, size) => {
      const o = a - fn.barAddress(4);
      if (o >= ISR && o < DEVCFG) {
        const v = s.isr;
        s.isr = 0;
        return v;
      }
      if (o >= DEVCFG && o < NOTIFY) {
        let v = 0;
        for (let i = size - 1; i >= 0; i--) v = v * 256 + dev.configByte(o - DEVCFG + i);
        return v;
      }
      if (o >= NOTIFY) return 0;
      const q = dev.queues[queueSel];
      switch (o) {
        case 0:
          return dfSel;
        case 4:
          return dev.offered[dfSel] ?? 0;
        case 8:
          return gfSel;
        case 12:
          return dev.driverFeatures[gfSel] ?? 0;
        case 16:
          return configVector;
        case 18:
          return dev.queues.length;
        case 20:
          return dev.status;
        case 21:
          return dev.generation;
        case 22:
          return queueSel;
        case 24:
          return q === undefined ? 0 : q.size;
        case 26:
          return q === undefined ? 0xffff : q.vector;
        case 28:
          return q !== undefined && q.ready ? 1 : 0;
        case 30:
          return queueSel;
        default:
          return 0;
      }
    },
    write: (a, _size, v) => {
      const o = a - fn.barAddress(4);
      if (o >= NOTIFY && o < NOTIFY + 0x1000) {
        dev.notify((o - NOTIFY) / NOTIFY_MULTIPLIER);
        return;
      }
      const q = dev.queues[queueSel];
      switch (o) {
        case 0:
          dfSel = v;
          break;
        case 8:
          gfSel = v;
          break;
        case 12:
          if (gfSel < 2) dev.driverFeatures[gfSel] = v >>> 0;
          break;
        case 16:
          configVector = v < msixEntries ? v : 0xffff;
          break;
        case 20:
          if (v === 0) {
            configVector = 0xffff;
            s.isr = 0;
          }
          dev.setStatus(v);
          break;
        case 22:
          queueSel = v;
          break;
        case 24:
          if (q !== undefined && v <= q.maxSize && (v & (v - 1)) === 0) q.size = v;
          break;
        case 26:
          if (q !== undefined) q.vector = v < msixEntries ? v : 0xffff;
          break;
        case 28:
          if (q !== undefined && v === 1) q.ready = true;
          break;
        case 32:
        case 36:
        case 40:
        case 44:
        case 48:
        case 52:
          if (q !== undefined) setHalf(q, o, v);
          break;
      }
    },
  });
  return s;
}

function setHalf(q: { desc: number; avail: number; used: number }, o: number, v: number): void {
  const field = o < 40 ? 'desc' : o < 48 ? 'avail' : 'used';
  const high = (o & 4) !== 0;
  const cur = q[field];
  q[field] = high
    ? (cur % 0x100000000) + v * 0x100000000
    : Math.floor(cur / 0x100000000) * 0x100000000 + (v >>> 0);
}

/** A legacy-only virtio-net-pci (1af4:1000, I/O BAR, no modern capabilities). */
export function legacyNetPci(): SimPciFunction {
  const fn = new SimPciFunction(0x1af4, 0x1000, 0x02, 0x00, { subsystem: 1 });
  fn.setBar(0, { kind: 'io', size: 0x20, address: 0xc000 });
  return fn;
}

/** A virtio-mmio virtio-net at `base` (0x200 bytes) raising `gsi`. Version 1 makes it a legacy device. */
export function virtioNetMmio(
  machine: SimMachine,
  dev: SimVirtioNet,
  base: number,
  gsi: number,
  version: number,
): { dev: SimVirtioNet; interruptStatus: () => number } {
  let status = 0;
  let queueSel = 0;
  let dfSel = 0;
  let gfSel = 0;
  dev.interrupt = (q) => {
    status |= q < 0 ? 2 : 1;
    machine.raiseGsi(gsi);
  };
  const lohi = (
    q: { desc: number; avail: number; used: number },
    field: 'desc' | 'avail' | 'used',
    high: boolean,
    v: number,
  ) => {
    const cur = q[field];
    q[field] = high
      ? (cur % 0x100000000) + v * 0x100000000
      : Math.floor(cur / 0x100000000) * 0x100000000 + (v >>> 0);
  };
  machine.mmio.push({
    contains: (a) => a >= base && a < base + 0x200,
    read: (a, size) => {
      const o = a - base;
      if (o >= 0x100) {
        let v = 0;
        for (let i = size - 1; i >= 0; i--) v = v * 256 + dev.configByte(o - 0x100 + i);
        return v;
      }
      const q = dev.queues[queueSel];
      switch (o) {
        case 0x000:
          return 0x74726976;
        case 0x004:
          return version;
        case 0x008:
          return 1;
        case 0x00c:
          return 0x554d4551;
        case 0x010:
          return dev.offered[dfSel] ?? 0;
        case 0x034:
          return q === undefined ? 0 : q.maxSize;
        case 0x044:
          return q !== undefined && q.ready ? 1 : 0;
        case 0x060:
          return status;
        case 0x070:
          return dev.status;
        case 0x0fc:
          return dev.generation;
        default:
          return 0;
      }
    },
    write: (a, _size, v) => {
      const o = a - base;
      const q = dev.queues[queueSel];
      switch (o) {
        case 0x014:
          dfSel = v;
          break;
        case 0x020:
          if (gfSel < 2) dev.driverFeatures[gfSel] = v >>> 0;
          break;
        case 0x024:
          gfSel = v;
          break;
        case 0x030:
          queueSel = v;
          break;
        case 0x038:
          if (q !== undefined && v <= q.maxSize) q.size = v;
          break;
        case 0x044:
          if (q !== undefined) q.ready = v === 1;
          break;
        case 0x050:
          dev.notify(v);
          break;
        case 0x064:
          status &= ~v;
          break;
        case 0x070:
          if (v === 0) status = 0;
          dev.setStatus(v);
          break;
        case 0x080:
        case 0x084:
          if (q !== undefined) lohi(q, 'desc', o === 0x084, v);
          break;
        case 0x090:
        case 0x094:
          if (q !== undefined) lohi(q, 'avail', o === 0x094, v);
          break;
        case 0x0a0:
        case 0x0a4:
          if (q !== undefined) lohi(q, 'used', o === 0x0a4, v);
          break;
      }
    },
  });
  return { dev, interruptStatus: () => status };
}

function le16(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff];
}
function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}
function readLe(b: Uint8Array, o: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[o + i];
  return v;
}
function writeLe(b: Uint8Array, o: number, size: number, v: number): void {
  for (let i = 0; i < size; i++) b[o + i] = (v >>> (8 * i)) & 0xff;
}
