/** virtio 1.x: the handshake, split virtqueues, the PCI and MMIO transports and the network driver. */
export { type MmioCmdline, parseVirtioMmioCmdline } from './cmdline.js';
export * from './constants.js';
export { deviceBroken, driverOk, fail, negotiate } from './device.js';
export { type MmioDeviceInfo, VirtioMmioTransport } from './mmio-transport.js';
export {
  finishChecksum,
  HDR_F_DATA_VALID,
  HDR_F_NEEDS_CSUM,
  NET_HDR_LEN,
  NetCounters,
  type Receiver,
  VirtioNet,
  type VirtioNetOptions,
} from './net.js';
export { isVirtioPci, VIRTIO_VENDOR, VirtioPciTransport } from './pci-transport.js';
export { IRQ_CONFIG, IRQ_QUEUE, type Transport } from './transport.js';
export { alignUp, needEvent, SplitQueue } from './virtqueue.js';
