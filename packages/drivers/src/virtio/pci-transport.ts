/**
 * virtio-pci, modern interface (virtio 1.2 §4.1): the common, notify, ISR and device configuration
 * structures found through vendor-specific capabilities (cfg_type 1–4) in memory BARs. A function without
 * a common configuration capability is a legacy-only device and is refused. Interrupts: MSI-X, entry 0
 * for configuration changes and entry 1 + q for queue q; without MSI-X the driver polls (INTx routing
 * needs ACPI _PRT, which the kernel does not parse).
 */
import type { Hw } from '../hw.js';
import { type Bar, BarKind, readBars } from '../pci/bar.js';
import { CAP_MSIX, CAP_VENDOR, capabilities } from '../pci/capability.js';
import {
  CMD_BUS_MASTER,
  CMD_INTX_DISABLE,
  CMD_MEMORY,
  PCI_SUBSYSTEM_ID,
  type PciFunction,
} from '../pci/function.js';
import { MsixTable } from '../pci/msix.js';
import { VirtioError } from './constants.js';
import { IRQ_CONFIG, IRQ_QUEUE, type Transport } from './transport.js';

export const VIRTIO_VENDOR = 0x1af4;
const CFG_COMMON = 1;
const CFG_NOTIFY = 2;
const CFG_ISR = 3;
const CFG_DEVICE = 4;
const NO_VECTOR = 0xffff;

/** Whether a PCI function is a virtio device (vendor 0x1AF4, device 0x1000–0x107F). */
export function isVirtioPci(f: PciFunction): boolean {
  return f.vendorId === VIRTIO_VENDOR && f.deviceId >= 0x1000 && f.deviceId <= 0x107f;
}

/** Common configuration offsets (§4.1.4.3). */
const C_DFSELECT = 0;
const C_DF = 4;
const C_GFSELECT = 8;
const C_GF = 12;
const C_MSIX_CONFIG = 16;
const C_NUM_QUEUES = 18;
const C_STATUS = 20;
const C_GENERATION = 21;
const C_Q_SELECT = 22;
const C_Q_SIZE = 24;
const C_Q_MSIX = 26;
const C_Q_ENABLE = 28;
const C_Q_NOTIFY_OFF = 30;
const C_Q_DESC = 32;
const C_Q_DRIVER = 40;
const C_Q_DEVICE = 48;
const COMMON_MIN = 56;

export class VirtioPciTransport implements Transport {
  readonly name: string;
  private readonly common: number;
  private readonly notifyBase: number;
  private readonly notifyLen: number;
  private readonly notifyMultiplier: number;
  private readonly isr: number;
  private readonly device: number;
  private readonly deviceLen: number;
  private readonly notifyAddr: number[] = [];
  private msix: MsixTable | null = null;
  private vectors: number[] = [];

  constructor(
    private readonly hw: Hw,
    readonly fn: PciFunction,
  ) {
    this.name = `pci ${fn.name}`;
    if (!isVirtioPci(fn))
      throw new VirtioError(
        `virtio ${this.name}: not a virtio device (${fn.vendorId.toString(16)}:${fn.deviceId.toString(16)})`,
      );
    const bars = readBars(fn);
    let common = -1;
    let notify = -1;
    let notifyLen = 0;
    let multiplier = 0;
    let isr = -1;
    let device = -1;
    let deviceLen = 0;
    let commonLen = 0;
    for (const cap of capabilities(fn)) {
      if (cap.id === CAP_MSIX) this.msix = MsixTable.open(hw, fn, cap, bars);
      if (cap.id !== CAP_VENDOR) continue;
      const type = fn.read8(cap.offset + 3);
      const addr = structAddress(
        bars,
        fn.read8(cap.offset + 4),
        fn.read32(cap.offset + 8) >>> 0,
        fn.read32(cap.offset + 12) >>> 0,
      );
      if (addr < 0) continue;
      const len = fn.read32(cap.offset + 12) >>> 0;
      // The first structure of each type is the preferred one (§4.1.4).
      if (type === CFG_COMMON && common < 0) {
        common = addr;
        commonLen = len;
      } else if (type === CFG_NOTIFY && notify < 0) {
        notify = addr;
        notifyLen = len;
        multiplier = fn.read32(cap.offset + 16) >>> 0;
      } else if (type === CFG_ISR && isr < 0) isr = addr;
      else if (type === CFG_DEVICE && device < 0) {
        device = addr;
        deviceLen = len;
      }
    }
    if (common < 0)
      throw new VirtioError(
        `virtio ${this.name}: legacy-only device (no virtio 1.x common configuration capability); Toro drives virtio 1.x devices only`,
      );
    if (commonLen < COMMON_MIN || notify < 0 || isr < 0)
      throw new VirtioError(
        `virtio ${this.name}: incomplete modern capabilities (common, notify and ISR are required)`,
      );
    this.common = common;
    this.notifyBase = notify;
    this.notifyLen = notifyLen;
    this.notifyMultiplier = multiplier;
    this.isr = isr;
    this.device = device;
    this.deviceLen = device < 0 ? 0 : deviceLen;
    fn.enable(CMD_MEMORY | CMD_BUS_MASTER | CMD_INTX_DISABLE);
  }

  deviceId(): number {
    // Modern ids are 0x1040 + device type; transitional ones (0x1000–0x103F) carry it in the subsystem id.
    return this.fn.deviceId >= 0x1040 ? this.fn.deviceId - 0x1040 : this.fn.read16(PCI_SUBSYSTEM_ID);
  }

  reset(): boolean {
    this.hw.write8(this.common + C_STATUS, 0);
    for (let i = 0; i < 100000; i++) if (this.hw.read8(this.common + C_STATUS) === 0) return true;
    return false;
  }
  status(): number {
    return this.hw.read8(this.common + C_STATUS);
  }
  setStatus(status: number): void {
    this.hw.write8(this.common + C_STATUS, status);
  }
  deviceFeatures(word: number): number {
    this.hw.write32(this.common + C_DFSELECT, word);
    return this.hw.read32(this.common + C_DF) >>> 0;
  }
  setDriverFeatures(word: number, value: number): void {
    this.hw.write32(this.common + C_GFSELECT, word);
    this.hw.write32(this.common + C_GF, value);
  }
  queueMax(q: number): number {
    if (q >= this.hw.read16(this.common + C_NUM_QUEUES)) return 0;
    this.hw.write16(this.common + C_Q_SELECT, q);
    return this.hw.read16(this.common + C_Q_SIZE);
  }
  setupQueue(q: number, size: number, desc: number, driver: number, device: number): boolean {
    const c = this.common;
    this.hw.write16(c + C_Q_SELECT, q);
    this.hw.write16(c + C_Q_SIZE, size);
    if (this.vectors.length > 0) {
      this.hw.write16(c + C_Q_MSIX, q + 1);
      if (this.hw.read16(c + C_Q_MSIX) === NO_VECTOR) return false;
    }
    writeHalves(this.hw, c + C_Q_DESC, desc);
    writeHalves(this.hw, c + C_Q_DRIVER, driver);
    writeHalves(this.hw, c + C_Q_DEVICE, device);
    const off = this.hw.read16(c + C_Q_NOTIFY_OFF) * this.notifyMultiplier;
    if (off + 2 > this.notifyLen) return false;
    this.notifyAddr[q] = this.notifyBase + off;
    this.hw.write16(c + C_Q_ENABLE, 1);
    return true;
  }
  notify(q: number): void {
    this.hw.write16(this.notifyAddr[q], q);
  }
  configGeneration(): number {
    return this.hw.read8(this.common + C_GENERATION);
  }
  config8(off: number): number {
    return off + 1 <= this.deviceLen ? this.hw.read8(this.device + off) : 0;
  }
  config16(off: number): number {
    return off + 2 <= this.deviceLen ? this.hw.read16(this.device + off) : 0;
  }
  config32(off: number): number {
    return off + 4 <= this.deviceLen ? this.hw.read32(this.device + off) >>> 0 : 0;
  }

  setupInterrupts(cpu: number, queues: number): boolean {
    const table = this.msix;
    if (table === null || table.size < queues + 1) return false;
    const vectors: number[] = [];
    for (let i = 0; i <= queues; i++) {
      const v = this.hw.irqAlloc(cpu);
      if (v < 0) return false;
      vectors.push(v);
    }
    table.enableMasked();
    for (let i = 0; i <= queues; i++) {
      const m = this.hw.msi(cpu, vectors[i]);
      table.program(i, m.address, m.data);
    }
    table.unmaskFunction();
    this.hw.write16(this.common + C_MSIX_CONFIG, 0);
    if (this.hw.read16(this.common + C_MSIX_CONFIG) === NO_VECTOR) {
      table.disable();
      return false;
    }
    for (const v of vectors) this.hw.irqEnable(v);
    this.vectors = vectors;
    return true;
  }

  takeInterrupts(): number {
    if (this.vectors.length === 0) return this.hw.read8(this.isr) & (IRQ_QUEUE | IRQ_CONFIG);
    let causes = 0;
    if (this.hw.irqTake(this.vectors[0])) causes |= IRQ_CONFIG;
    for (let i = 1; i < this.vectors.length; i++) if (this.hw.irqTake(this.vectors[i])) causes |= IRQ_QUEUE;
    return causes;
  }
}

/** A structure's physical address inside its memory BAR, or -1 if the BAR or the range is unusable. */
function structAddress(bars: Bar[], bir: number, offset: number, length: number): number {
  for (const b of bars) {
    if (b.index !== bir) continue;
    if (b.kind !== BarKind.Mem32 && b.kind !== BarKind.Mem64) return -1;
    if (b.address === 0 || offset + length > b.size) return -1;
    return b.address + offset;
  }
  return -1;
}

/** 64-bit registers written as two 32-bit halves, which the common configuration allows (§4.1.3.1). */
function writeHalves(hw: Hw, addr: number, value: number): void {
  hw.write32(addr, value % 0x100000000);
  hw.write32(addr + 4, Math.floor(value / 0x100000000));
}
