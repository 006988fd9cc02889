/**
 * The file Compute Engine imports an image from: a gzip'd tar (GNU's old format, as `tar --format=oldgnu
 * -Sczf` writes) holding one file, `disk.raw`, whose size is a whole number of GiB. Streamed: the holes
 * of the sparse disk are generated as zeros on the way to gzip, never held in memory.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { SparseDisk } from './gpt.js';

export const GCE_DISK_NAME = 'disk.raw';
/** Compute Engine takes disk.raw only in whole GiB. */
export const GCE_SIZE_UNIT = 2 ** 30;
const BLOCK = 512;
const ZEROS = new Uint8Array(1 << 20);

/** The 512-byte tar header of one regular file (old GNU format: magic "ustar  \0"). */
export function tarHeader(name: string, size: number, mtime = 0): Uint8Array {
  const header = new Uint8Array(BLOCK);
  const put = (text: string, at: number, width: number) => {
    const bytes = new TextEncoder().encode(text);
    if (bytes.length > width) throw new Error(`tar field "${text}" is wider than ${width} bytes`);
    header.set(bytes, at);
  };
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(mtime, 12), 136, 12);
  put('        ', 148, 8); // the checksum counts its own field as spaces
  put('0', 156, 1);
  put('ustar  \0', 257, 8);
  const sum = header.reduce((n, b) => n + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

/** The disk's bytes in order, zeros for its holes, in chunks of at most 1 MiB of zeros. */
function* diskBytes(disk: SparseDisk): Generator<Uint8Array> {
  let at = 0;
  const zeros = function* (n: number) {
    for (let left = n; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
  };
  for (const e of [...disk.extents].sort((a, b) => a.offset - b.offset)) {
    if (e.offset < at) throw new Error(`disk extents overlap at byte ${e.offset}`);
    yield* zeros(e.offset - at);
    yield e.bytes;
    at = e.offset + e.bytes.length;
  }
  yield* zeros(disk.size - at);
}

/** Writes `disk` as Compute Engine's image tarball to `path`; its size must be whole GiB. */
export async function writeGceTarball(path: string, disk: SparseDisk): Promise<void> {
  if (disk.size % GCE_SIZE_UNIT !== 0)
    throw new Error(`a Compute Engine disk.raw is whole GiB; this disk is ${disk.size} bytes`);
  await writeDiskTarball(path, disk, GCE_DISK_NAME);
}

/** Writes a gzip'd tar holding `disk` as the one file `name` (a whole number of 512-byte blocks). */
export async function writeDiskTarball(path: string, disk: SparseDisk, name: string): Promise<void> {
  if (disk.size % BLOCK !== 0) throw new Error(`a disk is whole sectors; this one is ${disk.size} bytes`);
  function* archive(): Generator<Uint8Array> {
    yield tarHeader(name, disk.size);
    yield* diskBytes(disk);
    yield new Uint8Array(2 * BLOCK); // end of archive
  }
  await pipeline(Readable.from(archive()), createGzip(), createWriteStream(path));
}
