/**
 * GUID partition tables (UEFI 2.10, chapter 5): the protective MBR's partition record, the primary
 * header and entry array at LBA 1 and 2, their backups at the end of the disk, and a reader that checks
 * both CRCs. A disk here is sparse: `extents` of bytes at offsets over `size` bytes of zeros.
 */
import { crc32 } from './crc32.js';
import { decodeGuid, encodeGuid } from './guid.js';

export const SECTOR = 512;
const ENTRY_COUNT = 128;
const ENTRY_SIZE = 128;
const ENTRY_SECTORS = (ENTRY_COUNT * ENTRY_SIZE) / SECTOR; // 32
const HEADER_SIZE = 92;
const SIGNATURE = 'EFI PART';

export interface Extent {
  /** Byte offset on the disk. */
  offset: number;
  bytes: Uint8Array;
}

export interface SparseDisk {
  size: number;
  extents: Extent[];
}

export interface GptPartition {
  type: string;
  guid: string;
  name: string;
  firstLba: number;
  /** Inclusive, as GPT has it. */
  lastLba: number;
}

export interface GptLayout {
  sectors: number;
  diskGuid: string;
  partitions: GptPartition[];
  /** The MBR's first 440 bytes (boot code); zeros when absent. */
  bootCode?: Uint8Array;
}

/** First and last LBA partitions may use on a disk of `sectors` sectors. */
export function usableRange(sectors: number): { first: number; last: number } {
  return { first: 2 + ENTRY_SECTORS, last: sectors - 2 - ENTRY_SECTORS };
}

/** The protective MBR, both headers and both entry arrays, as extents of a disk of layout.sectors. */
export function gptExtents(layout: GptLayout): Extent[] {
  const { sectors } = layout;
  const { first, last } = usableRange(sectors);
  for (const p of layout.partitions)
    if (p.firstLba < first || p.lastLba > last || p.lastLba < p.firstLba)
      throw new Error(`partition ${p.name} (LBA ${p.firstLba}..${p.lastLba}) is outside ${first}..${last}`);

  const mbr = new Uint8Array(SECTOR);
  if (layout.bootCode) mbr.set(layout.bootCode.subarray(0, 440));
  const record = new DataView(mbr.buffer, 446, 16);
  record.setUint8(0, 0); // not active
  record.setUint8(1, 0x00); // CHS of LBA 1: head 0, sector 2, cylinder 0
  record.setUint8(2, 0x02);
  record.setUint8(3, 0x00);
  record.setUint8(4, 0xee); // GPT protective
  record.setUint8(5, 0xff);
  record.setUint8(6, 0xff);
  record.setUint8(7, 0xff);
  record.setUint32(8, 1, true);
  record.setUint32(12, Math.min(sectors - 1, 0xffffffff), true);
  mbr[510] = 0x55;
  mbr[511] = 0xaa;

  const entries = new Uint8Array(ENTRY_COUNT * ENTRY_SIZE);
  layout.partitions.forEach((p, i) => {
    const at = i * ENTRY_SIZE;
    const view = new DataView(entries.buffer, at, ENTRY_SIZE);
    entries.set(encodeGuid(p.type), at);
    entries.set(encodeGuid(p.guid), at + 16);
    view.setBigUint64(32, BigInt(p.firstLba), true);
    view.setBigUint64(40, BigInt(p.lastLba), true);
    if (p.name.length > 36) throw new Error(`partition name ${p.name} is longer than 36 characters`);
    for (let c = 0; c < p.name.length; c++) view.setUint16(56 + c * 2, p.name.charCodeAt(c), true);
  });
  const entriesCrc = crc32(entries);
  const header = (myLba: number, otherLba: number, entriesLba: number): Uint8Array => {
    const bytes = new Uint8Array(SECTOR);
    const view = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode(SIGNATURE));
    view.setUint32(8, 0x00010000, true);
    view.setUint32(12, HEADER_SIZE, true);
    view.setBigUint64(24, BigInt(myLba), true);
    view.setBigUint64(32, BigInt(otherLba), true);
    view.setBigUint64(40, BigInt(first), true);
    view.setBigUint64(48, BigInt(last), true);
    bytes.set(encodeGuid(layout.diskGuid), 56);
    view.setBigUint64(72, BigInt(entriesLba), true);
    view.setUint32(80, ENTRY_COUNT, true);
    view.setUint32(84, ENTRY_SIZE, true);
    view.setUint32(88, entriesCrc, true);
    view.setUint32(16, crc32(bytes.subarray(0, HEADER_SIZE)), true);
    return bytes;
  };
  const lastLba = sectors - 1;
  return [
    { offset: 0, bytes: mbr },
    { offset: SECTOR, bytes: header(1, lastLba, 2) },
    { offset: 2 * SECTOR, bytes: entries },
    { offset: (lastLba - ENTRY_SECTORS) * SECTOR, bytes: entries },
    { offset: lastLba * SECTOR, bytes: header(lastLba, 1, lastLba - ENTRY_SECTORS) },
  ];
}

export class DiskFormatError extends Error {
  override name = 'DiskFormatError';
}

/** The partitions of a GPT disk, from its primary header; DiskFormatError when it is not a valid one. */
export function readGpt(disk: Uint8Array): GptPartition[] {
  if (disk.length < 34 * SECTOR || disk[510] !== 0x55 || disk[511] !== 0xaa)
    throw new DiskFormatError('not a disk image (no boot signature 55 AA in its first sector)');
  const header = disk.subarray(SECTOR, 2 * SECTOR);
  const view = new DataView(header.buffer, header.byteOffset, SECTOR);
  if (new TextDecoder().decode(header.subarray(0, 8)) !== SIGNATURE)
    throw new DiskFormatError('not a GPT disk (no "EFI PART" header at LBA 1)');
  const size = view.getUint32(12, true);
  if (size < HEADER_SIZE || size > SECTOR) throw new DiskFormatError(`GPT header size ${size} is invalid`);
  const copy = Uint8Array.from(header.subarray(0, size)); // a copy, also when `disk` is a Buffer
  new DataView(copy.buffer).setUint32(16, 0, true);
  if (crc32(copy) !== view.getUint32(16, true)) throw new DiskFormatError('the GPT header CRC is wrong');
  const entriesLba = Number(view.getBigUint64(72, true));
  const count = view.getUint32(80, true);
  const entrySize = view.getUint32(84, true);
  if (entrySize < 128 || count > 1024) throw new DiskFormatError('the GPT entry array is invalid');
  const start = entriesLba * SECTOR;
  if (start + count * entrySize > disk.length) throw new DiskFormatError('the GPT entry array is cut short');
  const entries = disk.subarray(start, start + count * entrySize);
  if (crc32(entries) !== view.getUint32(88, true))
    throw new DiskFormatError('the GPT entry array CRC is wrong');
  const partitions: GptPartition[] = [];
  for (let i = 0; i < count; i++) {
    const e = entries.subarray(i * entrySize, (i + 1) * entrySize);
    if (e.subarray(0, 16).every((b) => b === 0)) continue;
    const ev = new DataView(e.buffer, e.byteOffset, entrySize);
    let name = '';
    for (let c = 0; c < 36; c++) {
      const code = ev.getUint16(56 + c * 2, true);
      if (code === 0) break;
      name += String.fromCharCode(code);
    }
    partitions.push({
      type: decodeGuid(e.subarray(0, 16)),
      guid: decodeGuid(e.subarray(16, 32)),
      name,
      firstLba: Number(ev.getBigUint64(32, true)),
      lastLba: Number(ev.getBigUint64(40, true)),
    });
  }
  return partitions;
}
