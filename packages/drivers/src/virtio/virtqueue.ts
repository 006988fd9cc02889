/**
 * A split virtqueue (virtio 1.2 §2.7), driver side: the descriptor table, the available ring the driver
 * writes and the used ring the device writes, all in one block of DMA memory, plus a free-descriptor list.
 * Each buffer chain carries a token (the driver's buffer number) returned when the device is done with it.
 *
 * The device is not trusted: a used entry naming a descriptor out of range or not in flight, a length
 * past what the chain can hold, or a used index that runs ahead of what was made available is counted
 * and skipped, never followed. Interrupt suppression: the NO_INTERRUPT flag, or with VIRTIO_F_RING_EVENT_IDX
 * the used_event index; notification suppression the other way round (NO_NOTIFY / avail_event).
 */
import type { Hw } from '../hw.js';
import type { Transport } from './transport.js';

const DESC_F_NEXT = 1;
const DESC_F_WRITE = 2;
const AVAIL_F_NO_INTERRUPT = 1;
const USED_F_NO_NOTIFY = 1;

/** virtio's vring_need_event: whether moving an index from `old` to `next` crosses `event` (mod 2^16). */
export function needEvent(event: number, next: number, old: number): boolean {
  return ((next - event - 1) & 0xffff) < ((next - old) & 0xffff);
}

export class SplitQueue {
  readonly size: number;
  readonly descAddr: number;
  readonly availAddr: number;
  readonly usedAddr: number;
  /** Descriptors not in any chain the device holds. */
  numFree: number;
  /** Set by takeUsed: bytes the device wrote into the returned chain (already checked to fit). */
  lastLen = 0;
  /** Used entries rejected: id out of range or not in flight. */
  badIds = 0;
  /** Used entries whose length exceeded the chain's writable bytes (the buffer is returned, len -1). */
  badLens = 0;
  /** Times the used index claimed more entries than were in flight (the device is broken). */
  badUsedIdx = 0;
  /** Notifications sent / suppressed by the device's wishes. */
  notifies = 0;
  notifySkips = 0;

  private freeHead = 0;
  private readonly nextFree: number[] = [];
  private readonly tokens: number[] = [];
  private readonly chainLen: number[] = [];
  private readonly writable: number[] = [];
  private readonly inFlight: Uint8Array;
  private availIdx = 0;
  private lastKicked = 0;
  private usedIdx = 0;
  private outstanding = 0;
  private interruptsOn = true;

  /**
   * Allocates the rings from `hw.dmaAlloc` (one page-aligned block). Throws if there is no memory.
   * `eventIdx`: whether VIRTIO_F_RING_EVENT_IDX was negotiated.
   */
  constructor(
    private readonly hw: Hw,
    private readonly transport: Transport,
    readonly index: number,
    size: number,
    private readonly eventIdx: boolean,
  ) {
    this.size = size;
    const descBytes = 16 * size;
    const availBytes = 6 + 2 * size;
    const usedStart = alignUp(descBytes + availBytes, 4096);
    const usedBytes = 6 + 8 * size;
    const base = hw.dmaAlloc(usedStart + usedBytes, 4096);
    if (base === 0) throw new Error(`virtqueue ${index}: no DMA memory for ${size} entries`);
    this.descAddr = base;
    this.availAddr = base + descBytes;
    this.usedAddr = base + usedStart;
    this.inFlight = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      this.nextFree.push(i + 1);
      this.tokens.push(0);
      this.chainLen.push(0);
      this.writable.push(0);
    }
    this.numFree = size;
  }

  /** Hands the ring addresses to the device. */
  install(): boolean {
    return this.transport.setupQueue(this.index, this.size, this.descAddr, this.availAddr, this.usedAddr);
  }

  /**
   * Makes a chain of buffers available: `addrs[i]`, `lens[i]`; the first `readable` are for the device
   * to read, the rest for it to write. Not visible to the device until kick(). False if there are not
   * enough free descriptors.
   */
  add(addrs: number[], lens: number[], readable: number, token: number): boolean {
    const n = addrs.length;
    if (n === 0 || n > this.numFree) return false;
    const head = this.freeHead;
    let d = head;
    let writableBytes = 0;
    for (let i = 0; i < n; i++) {
      const at = this.descAddr + d * 16;
      const write = i >= readable;
      if (write) writableBytes += lens[i];
      this.hw.write64(at, addrs[i]);
      this.hw.write32(at + 8, lens[i]);
      const next = this.nextFree[d];
      this.hw.write16(at + 12, (i + 1 < n ? DESC_F_NEXT : 0) | (write ? DESC_F_WRITE : 0));
      this.hw.write16(at + 14, i + 1 < n ? next : 0);
      if (i + 1 < n) d = next;
      else this.freeHead = next;
    }
    this.numFree -= n;
    this.tokens[head] = token;
    this.chainLen[head] = n;
    this.writable[head] = writableBytes;
    this.inFlight[head] = 1;
    this.outstanding++;
    this.hw.write16(this.availAddr + 4 + 2 * (this.availIdx & (this.size - 1)), head);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    return true;
  }

  /** One-buffer chain: the common case of the network driver. */
  add1(addr: number, len: number, deviceWrites: boolean, token: number): boolean {
    return this.add([addr], [len], deviceWrites ? 0 : 1, token);
  }

  /**
   * Publishes what add() queued and notifies the device unless it asked not to be (NO_NOTIFY or
   * avail_event). Returns whether a notification was sent.
   */
  kick(): boolean {
    if (this.availIdx === this.lastKicked) return false;
    // Descriptors and ring entries are ordered before the index by x86 store order; the fence orders the
    // index store before the loads of the device's wishes below (store→load, the one x86 reorders).
    this.hw.write16(this.availAddr + 2, this.availIdx);
    this.hw.barrier();
    const old = this.lastKicked;
    this.lastKicked = this.availIdx;
    let notify: boolean;
    if (this.eventIdx)
      notify = needEvent(this.hw.read16(this.usedAddr + 4 + 8 * this.size), this.availIdx, old);
    else notify = (this.hw.read16(this.usedAddr) & USED_F_NO_NOTIFY) === 0;
    if (notify) {
      this.notifies++;
      this.transport.notify(this.index);
    } else this.notifySkips++;
    return notify;
  }

  /** Whether the device has returned chains not yet taken. */
  hasUsed(): boolean {
    return this.hw.read16(this.usedAddr + 2) !== this.usedIdx;
  }

  /**
   * The token of the next chain the device returned, its descriptors freed, `lastLen` set to the bytes
   * it wrote (-1 when it claimed more than the chain holds); -1 when there is none. Entries with bogus
   * ids are skipped and counted (-2 is returned for each, so a caller loops until -1).
   */
  takeUsed(): number {
    const deviceIdx = this.hw.read16(this.usedAddr + 2);
    if (deviceIdx === this.usedIdx) return -1;
    if (((deviceIdx - this.usedIdx) & 0xffff) > this.outstanding) {
      // More completions than chains in flight: the index is garbage. Take nothing from this device.
      this.badUsedIdx++;
      return -1;
    }
    const slot = this.usedAddr + 4 + 8 * (this.usedIdx & (this.size - 1));
    const id = this.hw.read32(slot) >>> 0;
    const len = this.hw.read32(slot + 4) >>> 0;
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    if (id >= this.size || this.inFlight[id] === 0) {
      this.badIds++;
      // The entry consumed a slot of the in-flight budget's index space, but no chain: keep the
      // accounting honest so later good entries are still accepted.
      if (this.outstanding > 0) this.outstanding--;
      return -2;
    }
    this.inFlight[id] = 0;
    this.outstanding--;
    if (len > this.writable[id]) {
      this.badLens++;
      this.lastLen = -1;
    } else this.lastLen = len;
    this.release(id);
    return this.tokens[id];
  }

  /** Chains made available and not yet returned. */
  get inUse(): number {
    return this.outstanding;
  }

  /** Asks the device not to interrupt on completions (polling). */
  disableInterrupts(): void {
    if (!this.interruptsOn) {
      if (this.eventIdx) this.pushUsedEvent();
      return;
    }
    this.interruptsOn = false;
    if (this.eventIdx) this.pushUsedEvent();
    else this.hw.write16(this.availAddr, AVAIL_F_NO_INTERRUPT);
  }

  /**
   * Asks for an interrupt at the next completion. Returns false when completions are already waiting
   * (the caller should poll instead of sleeping): the fence orders the flag/index store before the
   * re-read of the used index, so a completion racing the enable is never missed.
   */
  enableInterrupts(): boolean {
    this.interruptsOn = true;
    if (this.eventIdx) this.hw.write16(this.availAddr + 4 + 2 * this.size, this.usedIdx);
    else this.hw.write16(this.availAddr, 0);
    this.hw.barrier();
    return !this.hasUsed();
  }

  /** With event index, "no interrupt" is an event index far ahead; it is moved along as entries are taken. */
  private pushUsedEvent(): void {
    this.hw.write16(this.availAddr + 4 + 2 * this.size, (this.usedIdx + 0x8000) & 0xffff);
  }

  private release(head: number): void {
    // The chain is walked through our own links (nextFree is untouched while a chain is in flight), not
    // the descriptors in shared memory, which a broken device could have overwritten.
    let d = head;
    const n = this.chainLen[head];
    for (let i = 1; i < n; i++) d = this.nextFree[d];
    this.nextFree[d] = this.freeHead;
    this.freeHead = head;
    this.numFree += n;
  }
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}
