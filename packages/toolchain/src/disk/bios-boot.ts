/**
 * The BIOS boot code of a Toro disk: the kernel package's mbr.asm and bios_loader.asm, assembled by our
 * assembler, with the fields the disk writer owns filled in through their labels (where the loader is;
 * where the ELF is, its PT_LOAD segments, the PVH entry and the command line).
 */
import { assembleFile } from '../build/assemble-file.js';
import { linkObjects } from '../build/link-objects.js';
import { binOrigin, writeBin } from '../image/bin.js';
import type { LoadSegment } from '../image/elf-read.js';
import type { LinkedImage } from '../link/image.js';

/** Where the BIOS boot sources are: what `@toro/kernel` exports as biosBootInput. */
export interface BiosBootSources {
  /** Include folders (the boot folder, and the kernel's for defs.asm). */
  includePaths: readonly string[];
  mbrFile: string;
  loaderFile: string;
}

/** The loader runs at 0x8000 and must end below the bounce buffer at 0x10000 (boot_defs.asm). */
const LOADER_MAX_BYTES = 32 * 1024;
const SEGMENT_RECORD = 16;

export interface LoaderFields {
  elfLba: number;
  entry: number;
  segments: LoadSegment[];
  cmdline: string;
}

export class BootCodeError extends Error {
  override name = 'BootCodeError';
}

/** One boot file assembled: its linked image (for the labels) and its flat bytes (a copy is filled in). */
export interface BootCode {
  image: LinkedImage;
  bytes: Uint8Array;
}

/** The MBR and the loader, assembled once per disk. */
export function assembleBootCode(sources: BiosBootSources): { mbr: BootCode; loader: BootCode } {
  const assembled = (file: string): BootCode => {
    const { object } = assembleFile(file, { includePaths: [...sources.includePaths] });
    const image = linkObjects([object]);
    return { image, bytes: writeBin(image) };
  };
  const loader = assembled(sources.loaderFile);
  if (loader.bytes.length > LOADER_MAX_BYTES)
    throw new BootCodeError(
      `the loader is ${loader.bytes.length} bytes, more than the ${LOADER_MAX_BYTES} it may take`,
    );
  return { mbr: assembled(sources.mbrFile), loader };
}

function offsetOf(image: LinkedImage, name: string): number {
  const symbol = image.symbols.find((s) => s.name === name);
  if (!symbol) throw new BootCodeError(`the boot code defines no ${name} label`);
  return Number(symbol.address - binOrigin(image));
}

/** The 512-byte MBR with its loader fields set (the disk writer adds the partition table). */
export function mbrCode(mbr: BootCode, loaderLba: number, loaderSectors: number): Uint8Array {
  const { image } = mbr;
  const bytes = Uint8Array.from(mbr.bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(offsetOf(image, 'loader_lba'), loaderLba, true);
  view.setUint16(offsetOf(image, 'loader_sectors'), loaderSectors, true);
  return bytes;
}

/** The loader with boot_info filled in. */
export function loaderCode(loader: BootCode, fields: LoaderFields): Uint8Array {
  const { image } = loader;
  const bytes = Uint8Array.from(loader.bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = offsetOf(image, 'bi_segments');
  const cmdlineAt = offsetOf(image, 'bi_cmdline');
  const cmdlineBytes = offsetOf(image, 'loader_end') - cmdlineAt;
  const capacity = (cmdlineAt - table) / SEGMENT_RECORD;
  const loads = fields.segments.filter((s) => s.memsz > 0);
  if (loads.length > capacity)
    throw new BootCodeError(`the kernel has ${loads.length} segments; the BIOS loader takes ${capacity}`);
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  loads.forEach((s, i) => {
    const paddr = Number(s.paddr);
    if (paddr < 0x100000 || paddr + s.memsz > 0xffffffff)
      throw new BootCodeError(
        `a kernel segment at 0x${s.paddr.toString(16)} is not between 1 MiB and 4 GiB, where the BIOS loader puts them`,
      );
    const at = table + i * SEGMENT_RECORD;
    view.setUint32(at, s.offset, true);
    view.setUint32(at + 4, paddr, true);
    view.setUint32(at + 8, s.filesz, true);
    view.setUint32(at + 12, s.memsz, true);
    low = Math.min(low, paddr);
    high = Math.max(high, paddr + s.memsz);
  });
  view.setUint32(offsetOf(image, 'bi_elf_lba'), fields.elfLba, true);
  view.setUint32(offsetOf(image, 'bi_entry'), fields.entry, true);
  view.setUint32(offsetOf(image, 'bi_load_low'), loads.length > 0 ? low : 0, true);
  view.setUint32(offsetOf(image, 'bi_load_high'), high, true);
  view.setUint32(offsetOf(image, 'bi_segment_count'), loads.length, true);
  const text = new TextEncoder().encode(fields.cmdline);
  if (text.includes(0) || text.length >= cmdlineBytes)
    throw new BootCodeError(
      `the command line is ${text.length} bytes; a disk image takes at most ${cmdlineBytes - 1}, without NUL bytes`,
    );
  bytes.set(text, cmdlineAt);
  return bytes;
}
