/**
 * virtio-net (device id 1, virtio 1.2 §5.1): one receive/transmit queue pair, implementing the stack's
 * Link. Negotiates MAC, MTU, STATUS, CSUM / GUEST_CSUM, MRG_RXBUF and RING_EVENT_IDX where offered.
 * Receive buffers are pre-posted and re-posted as soon as their frame is copied out; transmit copies
 * each frame (behind its 12-byte virtio_net_hdr) into a buffer of its own, reclaimed when the device
 * returns it. Interrupts when idle, polling under load: poll() leaves receive interrupts off while it
 * finds work, idle() turns them back on and says whether it is safe to sleep.
 *
 * Everything the device writes is checked before use (used lengths, ids, num_buffers, checksum
 * offsets): a bad value drops the frame and counts it; nothing outside the driver's own buffers is read.
 * Multi-queue (MQ) would add queue pairs 2n/2n+1 with the same per-pair state: the pair is its own class.
 */
import type { Link } from '@toro/net';
import type { Hw } from '../hw.js';
import {
  DEVICE_NET,
  F_RING_EVENT_IDX,
  F_VERSION_1,
  hasFeature,
  NET_F_CSUM,
  NET_F_GUEST_CSUM,
  NET_F_MAC,
  NET_F_MRG_RXBUF,
  NET_F_MTU,
  NET_F_STATUS,
  VirtioError,
  withFeature,
} from './constants.js';
import { deviceBroken, driverOk, fail, negotiate } from './device.js';
import { IRQ_CONFIG, type Transport } from './transport.js';
import { SplitQueue } from './virtqueue.js';

/** virtio_net_hdr (§5.1.6): 12 bytes with VERSION_1 (num_buffers always present). */
export const NET_HDR_LEN = 12;
export const HDR_F_NEEDS_CSUM = 1;
export const HDR_F_DATA_VALID = 2;
const STATUS_LINK_UP = 1;
const ETH_HLEN = 14;
/** An 802.1Q tag's four bytes are allowed on top of the MTU. */
const VLAN_LEN = 4;

export interface VirtioNetOptions {
  /** The CPU that owns the device: its interrupts and its memory. */
  cpu: number;
  /** Entries per queue (rounded down to a power of two and to the device's maximum). Default 256. */
  queueSize?: number;
  /** Bytes per receive buffer with MRG_RXBUF (without it, a buffer always holds a whole frame). Default 2048. */
  rxBufferSize?: number;
  /** Feature bits (virtio numbers) the driver must not negotiate, e.g. to test without offloads. */
  disable?: number[];
}

/** What the driver counts; every dropped frame is counted under exactly one reason. */
export class NetCounters {
  rxFrames = 0;
  rxBytes = 0;
  txFrames = 0;
  txBytes = 0;
  txCompleted = 0;
  /** Received frames longer than MTU + Ethernet header (+ VLAN tag). */
  rxOversized = 0;
  /** Received frames shorter than an Ethernet header. */
  rxRunt = 0;
  /** Used entries whose length is past their buffer, or a header that says the impossible. */
  rxBadLength = 0;
  /** NEEDS_CSUM with a checksum position outside the frame. */
  rxBadChecksumOffsets = 0;
  /** Frames received with no receiver registered. */
  rxNoReceiver = 0;
  txRingFull = 0;
  txTooLarge = 0;
  txLinkDown = 0;
  /** Used entries with bogus / reused ids, and used indices running ahead (all queues). */
  badIds = 0;
  badUsedIdx = 0;
  /** Times the device said DEVICE_NEEDS_RESET or the rings could not be trusted any more. */
  deviceErrors = 0;
  interrupts = 0;
  configChanges = 0;

  entries(): [string, number][] {
    return [
      ['virtio-net.rx', this.rxFrames],
      ['virtio-net.rx.bytes', this.rxBytes],
      ['virtio-net.tx', this.txFrames],
      ['virtio-net.tx.bytes', this.txBytes],
      ['virtio-net.tx.completed', this.txCompleted],
      ['virtio-net.rx.drop.oversized', this.rxOversized],
      ['virtio-net.rx.drop.runt', this.rxRunt],
      ['virtio-net.rx.drop.bad-length', this.rxBadLength],
      ['virtio-net.rx.drop.bad-csum-offsets', this.rxBadChecksumOffsets],
      ['virtio-net.rx.drop.no-receiver', this.rxNoReceiver],
      ['virtio-net.tx.drop.ring-full', this.txRingFull],
      ['virtio-net.tx.drop.too-large', this.txTooLarge],
      ['virtio-net.tx.drop.link-down', this.txLinkDown],
      ['virtio-net.device.bad-id', this.badIds],
      ['virtio-net.device.bad-used-idx', this.badUsedIdx],
      ['virtio-net.device.error', this.deviceErrors],
      ['virtio-net.interrupts', this.interrupts],
      ['virtio-net.config-changes', this.configChanges],
    ];
  }
}

/** Receives one frame; `checksumValid` when the device vouched for (or the driver completed) its checksums. */
export type Receiver = (frame: Uint8Array, checksumValid: boolean) => void;

export class VirtioNet implements Link {
  readonly mac: Uint8Array;
  readonly mtu: number;
  readonly counters = new NetCounters();
  /** Negotiated feature words. */
  readonly features: number[];
  readonly csumOffload: boolean;
  readonly guestCsum: boolean;
  readonly mergeable: boolean;
  readonly hasStatus: boolean;
  readonly interruptDriven: boolean;
  /** True once the device failed: nothing is sent or received any more. */
  broken = false;

  private linkUp = true;
  private receiver: Receiver | null = null;
  private readonly rx: SplitQueue;
  private readonly tx: SplitQueue;
  private readonly rxBase: number;
  private readonly rxBufSize: number;
  private readonly txBase: number;
  private readonly txBufSize: number;
  private readonly txFree: number[] = [];
  private readonly maxFrame: number;
  private readonly hdr = new Uint8Array(NET_HDR_LEN);
  /** A merged frame being gathered: its buffers and their lengths, how many more to come. */
  private pendBufs: number[] = [];
  private pendLens: number[] = [];
  private pendRemaining = 0;
  private pendBad = false;
  private pollsSinceConfig = 0;

  /** Drives the device behind `t`; throws VirtioError when it is not a usable virtio-net 1.x device. */
  constructor(
    private readonly hw: Hw,
    private readonly t: Transport,
    options: VirtioNetOptions,
  ) {
    if (t.deviceId() !== DEVICE_NET)
      throw new VirtioError(`virtio ${t.name}: device id ${t.deviceId()} is not a network device`);
    let wanted = [0, 0];
    const bits = [
      F_VERSION_1,
      F_RING_EVENT_IDX,
      NET_F_MAC,
      NET_F_MTU,
      NET_F_STATUS,
      NET_F_CSUM,
      NET_F_GUEST_CSUM,
      NET_F_MRG_RXBUF,
    ];
    const disable = options.disable ?? [];
    for (const b of bits) if (disable.indexOf(b) < 0 || b === F_VERSION_1) wanted = withFeature(wanted, b);
    const f = negotiate(t, wanted);
    this.features = f;
    this.csumOffload = hasFeature(f, NET_F_CSUM);
    this.guestCsum = hasFeature(f, NET_F_GUEST_CSUM);
    this.mergeable = hasFeature(f, NET_F_MRG_RXBUF);
    this.hasStatus = hasFeature(f, NET_F_STATUS);
    const eventIdx = hasFeature(f, F_RING_EVENT_IDX);

    this.mac = new Uint8Array(6);
    if (hasFeature(f, NET_F_MAC)) this.readMac();
    else {
      // No MAC from the device: a locally administered one (the driver must pick one, §5.1.5).
      this.mac[0] = 0x02;
      this.mac[5] = 0x01;
    }
    let mtu = 1500;
    if (hasFeature(f, NET_F_MTU)) {
      const m = t.config16(10);
      if (m >= 68 && m <= 65535 - ETH_HLEN - VLAN_LEN - NET_HDR_LEN) mtu = m;
    }
    this.mtu = mtu;
    this.maxFrame = ETH_HLEN + mtu + VLAN_LEN;

    this.interruptDriven = t.setupInterrupts(options.cpu, 2);
    const size = options.queueSize ?? 256;
    try {
      this.rx = new SplitQueue(hw, t, 0, queueSizeFor(t, 0, size), eventIdx);
      this.tx = new SplitQueue(hw, t, 1, queueSizeFor(t, 1, size), eventIdx);
      if (!this.rx.install() || !this.tx.install())
        throw new VirtioError(`virtio ${t.name}: the device refused a queue`);
      const wantedBuf = options.rxBufferSize ?? 2048;
      this.rxBufSize = this.mergeable ? Math.max(64, wantedBuf) : NET_HDR_LEN + this.maxFrame;
      this.rxBase = dma(hw, this.rx.size * this.rxBufSize, t);
      this.txBufSize = NET_HDR_LEN + this.maxFrame;
      this.txBase = dma(hw, this.tx.size * this.txBufSize, t);
    } catch (e) {
      fail(t);
      throw e;
    }
    for (let i = this.tx.size - 1; i >= 0; i--) this.txFree.push(i);
    for (let i = 0; i < this.rx.size; i++)
      this.rx.add1(this.rxBase + i * this.rxBufSize, this.rxBufSize, true, i);
    // Transmit completions are reaped on the way (transmit, poll): they never need an interrupt.
    this.tx.disableInterrupts();
    driverOk(t);
    this.rx.kick();
    this.readStatus();
  }

  /** Registers the stack's receive function (one receiver; a later call replaces it). */
  onReceive(receiver: Receiver): void {
    this.receiver = receiver;
  }

  up(): boolean {
    return this.linkUp && !this.broken;
  }

  transmit(frame: Uint8Array): boolean {
    return this.send(frame, -1, -1);
  }

  /**
   * Sends a frame whose transport checksum is still to be done: the 16-bit field at csumStart +
   * csumOffset holds the pseudo-header sum and the checksum covers csumStart to the end. With CSUM
   * negotiated the device finishes it (NEEDS_CSUM); otherwise the driver does, in the copy it sends.
   */
  transmitPartial(frame: Uint8Array, csumStart: number, csumOffset: number): boolean {
    if (csumStart < ETH_HLEN || csumOffset < 0 || csumStart + csumOffset + 2 > frame.length)
      return this.send(frame, -1, -1);
    return this.send(frame, csumStart, csumOffset);
  }

  /**
   * Handles what the device did: reclaims sent buffers, delivers up to `budget` received frames
   * (refilling their buffers), follows configuration changes. Returns the frames delivered.
   */
  poll(budget = 64): number {
    if (this.broken) return 0;
    const causes = this.t.takeInterrupts();
    if (causes !== 0) this.counters.interrupts++;
    this.pollsSinceConfig++;
    if ((causes & IRQ_CONFIG) !== 0 || (!this.interruptDriven && this.pollsSinceConfig >= 1024))
      this.configChanged();
    if (this.broken) return 0;
    this.reclaim();
    let delivered = 0;
    let refilled = false;
    while (delivered < budget) {
      const token = this.rx.takeUsed();
      if (token === -1) break;
      if (token === -2) continue;
      refilled = true;
      if (this.gather(token, this.rx.lastLen)) delivered++;
    }
    this.syncQueueCounters();
    if (refilled) this.rx.kick();
    if (delivered > 0) this.rx.disableInterrupts();
    return delivered;
  }

  /**
   * Called when poll() found nothing: turns receive interrupts back on. True if it is safe to sleep until
   * an interrupt; false when frames arrived meanwhile (poll again).
   */
  idle(): boolean {
    if (this.broken) return true;
    return this.rx.enableInterrupts();
  }

  /** Frames the device holds for sending (not yet completed). */
  get txInFlight(): number {
    return this.tx.inUse;
  }

  private send(frame: Uint8Array, csumStart: number, csumOffset: number): boolean {
    if (this.broken) return false;
    if (!this.linkUp) {
      this.counters.txLinkDown++;
      return false;
    }
    if (frame.length < ETH_HLEN || frame.length > this.maxFrame) {
      this.counters.txTooLarge++;
      return false;
    }
    if (this.txFree.length === 0) this.reclaim();
    const buf = this.txFree.pop();
    if (buf === undefined) {
      this.counters.txRingFull++;
      return false;
    }
    const at = this.txBase + buf * this.txBufSize;
    const h = this.hdr;
    h.fill(0);
    const offload = csumStart >= 0 && this.csumOffload;
    if (offload) {
      h[0] = HDR_F_NEEDS_CSUM;
      h[6] = csumStart & 0xff;
      h[7] = csumStart >>> 8;
      h[8] = csumOffset & 0xff;
      h[9] = csumOffset >>> 8;
    }
    this.hw.copyToPhys(at, h, 0, NET_HDR_LEN);
    this.hw.copyToPhys(at + NET_HDR_LEN, frame, 0, frame.length);
    if (csumStart >= 0 && !offload) {
      const sum = finishChecksum(frame, csumStart, csumStart + csumOffset);
      const field = at + NET_HDR_LEN + csumStart + csumOffset;
      this.hw.write8(field, sum >>> 8);
      this.hw.write8(field + 1, sum & 0xff);
    }
    this.tx.add1(at, NET_HDR_LEN + frame.length, false, buf);
    this.tx.kick();
    this.counters.txFrames++;
    this.counters.txBytes += frame.length;
    return true;
  }

  private reclaim(): void {
    for (;;) {
      const token = this.tx.takeUsed();
      if (token === -1) break;
      if (token === -2) continue;
      this.txFree.push(token);
      this.counters.txCompleted++;
    }
    this.tx.disableInterrupts();
  }

  /** Takes one used receive buffer (of a frame, maybe one of several merged); true when a frame was delivered. */
  private gather(buf: number, len: number): boolean {
    const at = this.rxBase + buf * this.rxBufSize;
    if (this.pendRemaining === 0) {
      // First buffer of a frame: its header says how many buffers the frame spans.
      let count = 1;
      let bad = len < NET_HDR_LEN;
      if (!bad && this.mergeable) {
        count = this.hw.read16(at + 10);
        if (count < 1 || count > this.rx.size) bad = true;
      }
      if (bad) {
        this.counters.rxBadLength++;
        this.repost(buf);
        return false;
      }
      this.pendRemaining = count;
      this.pendBad = false;
    }
    this.pendBufs.push(buf);
    this.pendLens.push(len);
    if (len < 0) this.pendBad = true;
    this.pendRemaining--;
    if (this.pendRemaining > 0) return false;
    return this.finishFrame();
  }

  private finishFrame(): boolean {
    const bufs = this.pendBufs;
    const lens = this.pendLens;
    let total = -NET_HDR_LEN;
    for (const l of lens) total += l;
    let ok = false;
    if (this.pendBad) this.counters.rxBadLength++;
    else if (total > this.maxFrame) this.counters.rxOversized++;
    else if (total < ETH_HLEN) this.counters.rxRunt++;
    else ok = true;
    let frame: Uint8Array | null = null;
    let valid = false;
    if (ok) {
      const first = this.rxBase + bufs[0] * this.rxBufSize;
      this.hw.copyFromPhys(first, this.hdr, 0, NET_HDR_LEN);
      const f = new Uint8Array(total);
      let off = 0;
      for (let i = 0; i < bufs.length; i++) {
        const skip = i === 0 ? NET_HDR_LEN : 0;
        const n = lens[i] - skip;
        this.hw.copyFromPhys(this.rxBase + bufs[i] * this.rxBufSize + skip, f, off, n);
        off += n;
      }
      const flags = this.hdr[0];
      if (this.guestCsum && (flags & HDR_F_NEEDS_CSUM) !== 0) {
        const start = this.hdr[6] | (this.hdr[7] << 8);
        const field = start + (this.hdr[8] | (this.hdr[9] << 8));
        if (start < ETH_HLEN || field + 2 > total) {
          this.counters.rxBadChecksumOffsets++;
        } else {
          const sum = finishChecksum(f, start, field);
          f[field] = sum >>> 8;
          f[field + 1] = sum & 0xff;
          frame = f;
          valid = true;
        }
      } else {
        frame = f;
        valid = this.guestCsum && (flags & HDR_F_DATA_VALID) !== 0;
      }
    }
    for (const b of bufs) this.repost(b);
    this.pendBufs = [];
    this.pendLens = [];
    if (frame === null) return false;
    const r = this.receiver;
    if (r === null) {
      this.counters.rxNoReceiver++;
      return false;
    }
    this.counters.rxFrames++;
    this.counters.rxBytes += frame.length;
    r(frame, valid);
    return true;
  }

  private repost(buf: number): void {
    this.rx.add1(this.rxBase + buf * this.rxBufSize, this.rxBufSize, true, buf);
  }

  private configChanged(): void {
    this.pollsSinceConfig = 0;
    if (deviceBroken(this.t)) {
      this.counters.deviceErrors++;
      this.broken = true;
      fail(this.t);
      return;
    }
    this.counters.configChanges++;
    this.readStatus();
  }

  private readStatus(): void {
    if (this.hasStatus) this.linkUp = (this.t.config16(6) & STATUS_LINK_UP) !== 0;
  }

  /** The MAC, re-read until the configuration generation is stable (§2.5.1: multi-byte fields may tear). */
  private readMac(): void {
    for (let tries = 0; tries < 16; tries++) {
      const g = this.t.configGeneration();
      for (let i = 0; i < 6; i++) this.mac[i] = this.t.config8(i);
      if (this.t.configGeneration() === g) return;
    }
  }

  private syncQueueCounters(): void {
    this.counters.badIds = this.rx.badIds + this.tx.badIds;
    this.counters.badUsedIdx = this.rx.badUsedIdx + this.tx.badUsedIdx;
  }
}

/**
 * The Internet checksum of bytes[start…end) for the 16-bit field at `field`, which holds the pseudo-header
 * sum beforehand (virtio's partial-checksum convention) and is summed as it is.
 */
export function finishChecksum(bytes: Uint8Array, start: number, field: number): number {
  if (field < start) return 0;
  let sum = 0;
  const end = bytes.length;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) sum += bytes[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

function queueSizeFor(t: Transport, q: number, wanted: number): number {
  const max = t.queueMax(q);
  if (max === 0) throw new VirtioError(`virtio ${t.name}: queue ${q} does not exist`);
  let size = 1;
  while (size * 2 <= wanted && size * 2 <= max) size *= 2;
  return size;
}

function dma(hw: Hw, bytes: number, t: Transport): number {
  const a = hw.dmaAlloc(bytes, 4096);
  if (a === 0) throw new VirtioError(`virtio ${t.name}: no DMA memory for buffers (${bytes} bytes)`);
  return a;
}
