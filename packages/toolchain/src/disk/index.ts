/** Disk images: GPT, the BIOS boot code's fields, and the kernel they carry. See disk-image.ts. */
export { type BiosBootSources, BootCodeError } from './bios-boot.js';
export {
  BIOS_BOOT_PARTITION,
  type DiskImageOptions,
  flattenDisk,
  looksLikeDisk,
  readDiskKernel,
  TORO_KERNEL_PARTITION,
  writeDiskImage,
} from './disk-image.js';
export { GCE_DISK_NAME, GCE_SIZE_UNIT, writeGceTarball } from './gce-tarball.js';
export { DiskFormatError, type GptPartition, readGpt, type SparseDisk } from './gpt.js';
export { writeDiskFile } from './write-file.js';
