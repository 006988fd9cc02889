/**
 * A bootable Toro disk: GPT with a protective MBR whose boot code (mbr.asm) loads the BIOS loader
 * (bios_loader.asm) from a BIOS boot partition; the loader loads the kernel ELF, unchanged, from the
 * "toro-kernel" partition and enters its PVH entry. The ELF keeps its symbols and the layout note, so
 * `toro run` reads both back from the disk (readDiskKernel).
 *
 * Layout (LBA = 512-byte sector): 0 MBR, 1 GPT header, 2..33 entries, 2048.. the BIOS boot partition,
 * then the kernel partition on the next MiB, the backup GPT in the last 33 sectors. Partitions are
 * MiB-aligned; the disk is as small as that allows unless `sizeBytes` asks for more (Compute Engine
 * wants whole GiB).
 */
import { elfFileLength, readLoadSegments, readPvhEntry } from '../image/elf-read.js';
import { assembleBootCode, type BiosBootSources, loaderCode, mbrCode } from './bios-boot.js';
import { DiskFormatError, type GptPartition, gptExtents, readGpt, SECTOR, type SparseDisk } from './gpt.js';
import { derivedGuid } from './guid.js';

/** GPT partition types (UEFI spec; the BIOS boot one is GRUB's, which firmware and tools know). */
export const BIOS_BOOT_PARTITION = '21686148-6449-6E6F-744E-656564454649';
/** The partition holding the kernel's ELF: Toro's own type. */
export const TORO_KERNEL_PARTITION = '9A9BEFD2-E2F1-4643-9847-1FD71128C510';

const MIB_SECTORS = (1024 * 1024) / SECTOR;

export interface DiskImageOptions {
  /** The PVH ELF `toro build` wrote. */
  elf: Uint8Array;
  boot: BiosBootSources;
  /** The kernel command line the loader hands over (default empty). */
  cmdline?: string;
  /** The disk's size; rounded up to what the contents need. */
  sizeBytes?: number;
}

const sectorsFor = (bytes: number) => Math.ceil(bytes / SECTOR);
const alignMib = (lba: number) => Math.ceil(lba / MIB_SECTORS) * MIB_SECTORS;

export function writeDiskImage(options: DiskImageOptions): SparseDisk {
  const { elf } = options;
  const entry = readPvhEntry(elf);
  const segments = readLoadSegments(elf);
  const code = assembleBootCode(options.boot);
  const loaderLba = MIB_SECTORS;
  const loaderSectors = sectorsFor(code.loader.bytes.length);
  const kernelLba = alignMib(loaderLba + loaderSectors);
  const kernelSectors = alignMib(sectorsFor(elf.length));
  const needed = kernelLba + kernelSectors + MIB_SECTORS; // the last MiB holds the backup GPT
  const sectors = Math.max(needed, alignMib(sectorsFor(options.sizeBytes ?? 0)));

  const partitions: GptPartition[] = [
    {
      type: BIOS_BOOT_PARTITION,
      guid: derivedGuid(elf, 'bios-boot'),
      name: 'toro-bios-boot',
      firstLba: loaderLba,
      lastLba: kernelLba - 1,
    },
    {
      type: TORO_KERNEL_PARTITION,
      guid: derivedGuid(elf, 'kernel'),
      name: 'toro-kernel',
      firstLba: kernelLba,
      lastLba: kernelLba + kernelSectors - 1,
    },
  ];
  const loader = loaderCode(code.loader, {
    elfLba: kernelLba,
    entry: Number(entry),
    segments,
    cmdline: options.cmdline ?? '',
  });
  const bootCode = mbrCode(code.mbr, loaderLba, loaderSectors);
  return {
    size: sectors * SECTOR,
    extents: [
      ...gptExtents({ sectors, diskGuid: derivedGuid(elf, 'disk'), partitions, bootCode }),
      { offset: loaderLba * SECTOR, bytes: loader },
      { offset: kernelLba * SECTOR, bytes: elf },
    ].sort((a, b) => a.offset - b.offset),
  };
}

/** The whole disk in memory (for small disks and tests). */
export function flattenDisk(disk: SparseDisk): Uint8Array {
  const bytes = new Uint8Array(disk.size);
  for (const e of disk.extents) bytes.set(e.bytes, e.offset);
  return bytes;
}

/** True when `bytes` begins like a disk image (boot signature and a GPT header), not an ELF. */
export function looksLikeDisk(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 2 * SECTOR &&
    bytes[510] === 0x55 &&
    bytes[511] === 0xaa &&
    new TextDecoder().decode(bytes.subarray(SECTOR, SECTOR + 8)) === 'EFI PART'
  );
}

/** The kernel ELF a Toro disk carries; DiskFormatError when the disk is not one. */
export function readDiskKernel(disk: Uint8Array): Uint8Array {
  const kernel = readGpt(disk).find((p) => p.type === TORO_KERNEL_PARTITION);
  if (!kernel)
    throw new DiskFormatError('the disk has no toro-kernel partition: it was not written by toro build');
  const partition = disk.subarray(kernel.firstLba * SECTOR, (kernel.lastLba + 1) * SECTOR);
  return partition.subarray(0, elfFileLength(partition));
}
