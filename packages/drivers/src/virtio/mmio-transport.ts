/**
 * virtio-mmio, version 2 (virtio 1.2 §4.2.2): a register block at a physical address, as QEMU microvm
 * and Firecracker place them, with one interrupt line. Version 1 (legacy) devices are refused. The
 * device's interrupt line is routed through the I/O APIC to the driver's CPU; the InterruptStatus
 * register says which causes fired and InterruptACK clears them.
 */
import type { Hw } from '../hw.js';
import { VirtioError } from './constants.js';
import { IRQ_CONFIG, IRQ_QUEUE, type Transport } from './transport.js';

const MAGIC = 0x000;
const VERSION = 0x004;
const DEVICE_ID = 0x008;
const DEVICE_FEATURES = 0x010;
const DEVICE_FEATURES_SEL = 0x014;
const DRIVER_FEATURES = 0x020;
const DRIVER_FEATURES_SEL = 0x024;
const QUEUE_SEL = 0x030;
const QUEUE_NUM_MAX = 0x034;
const QUEUE_NUM = 0x038;
const QUEUE_READY = 0x044;
const QUEUE_NOTIFY = 0x050;
const INTERRUPT_STATUS = 0x060;
const INTERRUPT_ACK = 0x064;
const STATUS = 0x070;
const QUEUE_DESC_LOW = 0x080;
const QUEUE_DRIVER_LOW = 0x090;
const QUEUE_DEVICE_LOW = 0x0a0;
const CONFIG_GENERATION = 0x0fc;
const CONFIG = 0x100;
const MAGIC_VALUE = 0x74726976;

/** One virtio-mmio device: where its registers are, its size and its interrupt line (GSI). */
export interface MmioDeviceInfo {
  readonly base: number;
  readonly size: number;
  readonly irq: number;
}

export class VirtioMmioTransport implements Transport {
  readonly name: string;
  private vector = -1;

  /** Checks the magic value and the version; throws VirtioError for anything but a version-2 device. */
  constructor(
    private readonly hw: Hw,
    readonly info: MmioDeviceInfo,
  ) {
    this.name = `mmio 0x${info.base.toString(16)}`;
    const magic = hw.read32(info.base + MAGIC) >>> 0;
    if (magic !== MAGIC_VALUE)
      throw new VirtioError(`virtio ${this.name}: no virtio-mmio device (magic 0x${magic.toString(16)})`);
    const version = hw.read32(info.base + VERSION) >>> 0;
    if (version === 1)
      throw new VirtioError(
        `virtio ${this.name}: legacy virtio-mmio device (version 1); Toro drives virtio 1.x devices only (version 2)`,
      );
    if (version !== 2) throw new VirtioError(`virtio ${this.name}: unknown virtio-mmio version ${version}`);
  }

  private r(off: number): number {
    return this.hw.read32(this.info.base + off) >>> 0;
  }
  private w(off: number, value: number): void {
    this.hw.write32(this.info.base + off, value);
  }

  deviceId(): number {
    return this.r(DEVICE_ID);
  }
  reset(): boolean {
    this.w(STATUS, 0);
    for (let i = 0; i < 100000; i++) if (this.r(STATUS) === 0) return true;
    return false;
  }
  status(): number {
    return this.r(STATUS) & 0xff;
  }
  setStatus(status: number): void {
    this.w(STATUS, status);
  }
  deviceFeatures(word: number): number {
    this.w(DEVICE_FEATURES_SEL, word);
    return this.r(DEVICE_FEATURES);
  }
  setDriverFeatures(word: number, value: number): void {
    this.w(DRIVER_FEATURES_SEL, word);
    this.w(DRIVER_FEATURES, value);
  }
  queueMax(q: number): number {
    this.w(QUEUE_SEL, q);
    if (this.r(QUEUE_READY) !== 0) return 0;
    return this.r(QUEUE_NUM_MAX);
  }
  setupQueue(q: number, size: number, desc: number, driver: number, device: number): boolean {
    this.w(QUEUE_SEL, q);
    this.w(QUEUE_NUM, size);
    this.w(QUEUE_DESC_LOW, desc % 0x100000000);
    this.w(QUEUE_DESC_LOW + 4, Math.floor(desc / 0x100000000));
    this.w(QUEUE_DRIVER_LOW, driver % 0x100000000);
    this.w(QUEUE_DRIVER_LOW + 4, Math.floor(driver / 0x100000000));
    this.w(QUEUE_DEVICE_LOW, device % 0x100000000);
    this.w(QUEUE_DEVICE_LOW + 4, Math.floor(device / 0x100000000));
    this.w(QUEUE_READY, 1);
    return this.r(QUEUE_READY) === 1;
  }
  notify(q: number): void {
    this.w(QUEUE_NOTIFY, q);
  }
  configGeneration(): number {
    return this.r(CONFIG_GENERATION);
  }
  config8(off: number): number {
    return this.hw.read8(this.info.base + CONFIG + off);
  }
  config16(off: number): number {
    return this.hw.read16(this.info.base + CONFIG + off);
  }
  config32(off: number): number {
    return this.hw.read32(this.info.base + CONFIG + off) >>> 0;
  }
  setupInterrupts(cpu: number, _queues: number): boolean {
    if (this.info.irq < 0) return false;
    const v = this.hw.irqRoute(this.info.irq, cpu);
    if (v < 0) return false;
    this.vector = v;
    this.hw.irqEnable(v);
    return true;
  }
  takeInterrupts(): number {
    // Without a routed line the status register is polled; with one it is read only after an interrupt.
    if (this.vector >= 0 && !this.hw.irqTake(this.vector)) return 0;
    const causes = this.r(INTERRUPT_STATUS) & (IRQ_QUEUE | IRQ_CONFIG);
    if (causes !== 0) this.w(INTERRUPT_ACK, causes);
    return causes;
  }
}
