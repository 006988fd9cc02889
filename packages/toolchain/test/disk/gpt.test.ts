/**
 * GPT as the disk writer lays it out: CRC-32 and GUID encodings against known values, the reader
 * against the writer, and a written disk checked by a real partitioning tool (sgdisk, from gdisk).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/disk/crc32.js';
import { flattenDisk } from '../../src/disk/disk-image.js';
import { DiskFormatError, type GptLayout, gptExtents, readGpt, SECTOR } from '../../src/disk/gpt.js';
import { decodeGuid, derivedGuid, encodeGuid } from '../../src/disk/guid.js';
import { writeDiskFile } from '../../src/disk/write-file.js';

const work = mkdtempSync(join(tmpdir(), 'toro-gpt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const EFI_SYSTEM = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';

function layout(sectors = 8192): GptLayout {
  return {
    sectors,
    diskGuid: derivedGuid(new Uint8Array([1, 2, 3]), 'disk'),
    partitions: [
      {
        type: EFI_SYSTEM,
        guid: derivedGuid(new Uint8Array([1]), 'a'),
        name: 'first',
        firstLba: 2048,
        lastLba: 4095,
      },
      {
        type: EFI_SYSTEM,
        guid: derivedGuid(new Uint8Array([2]), 'b'),
        name: 'second',
        firstLba: 4096,
        lastLba: 6143,
      },
    ],
  };
}

const disk = (l: GptLayout) => flattenDisk({ size: l.sectors * SECTOR, extents: gptExtents(l) });

describe('encodings', () => {
  it('computes the CRC-32 of the check string', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('stores a GUID with its first three fields little-endian', () => {
    const bytes = encodeGuid(EFI_SYSTEM);
    expect(Buffer.from(bytes).toString('hex')).toBe('28732ac11ff8d211ba4b00a0c93ec93b');
    expect(decodeGuid(bytes)).toBe(EFI_SYSTEM);
  });

  it('derives the same version 4 GUID from the same input, another from another', () => {
    const a = derivedGuid(new Uint8Array([9]), 'x');
    expect(derivedGuid(new Uint8Array([9]), 'x')).toBe(a);
    expect(derivedGuid(new Uint8Array([9]), 'y')).not.toBe(a);
    expect(a).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });
});

describe('tables', () => {
  it('reads back the partitions it wrote', () => {
    const l = layout();
    expect(readGpt(disk(l))).toEqual(l.partitions);
  });

  it('writes a protective MBR and headers a real tool accepts', () => {
    const l = layout();
    const file = join(work, 'two.img');
    writeDiskFile(file, { size: l.sectors * SECTOR, extents: gptExtents(l) });
    const verify = execFileSync('sgdisk', ['-v', file], { encoding: 'utf8' });
    expect(verify).toContain('No problems found');
    const print = execFileSync('sgdisk', ['-p', file], { encoding: 'utf8' });
    expect(print).toMatch(/^\s+1\s+2048\s+4095\s.*EF00\s+first$/m);
    expect(print).toMatch(/^\s+2\s+4096\s+6143\s.*EF00\s+second$/m);
    expect(print).toContain(`Disk identifier (GUID): ${l.diskGuid}`);
  });

  it('refuses a damaged header or entry array, and what is not a GPT disk', () => {
    const good = disk(layout());
    const header = Uint8Array.from(good);
    header[SECTOR + 40] ^= 1;
    expect(() => readGpt(header)).toThrow(/header CRC/);
    const entries = Uint8Array.from(good);
    entries[2 * SECTOR + 60] ^= 1;
    expect(() => readGpt(entries)).toThrow(/entry array CRC/);
    expect(() => readGpt(new Uint8Array(64 * SECTOR))).toThrow(DiskFormatError);
    const mbrOnly = new Uint8Array(64 * SECTOR);
    mbrOnly[510] = 0x55;
    mbrOnly[511] = 0xaa;
    expect(() => readGpt(mbrOnly)).toThrow(/EFI PART/);
  });

  it('refuses partitions outside the usable range', () => {
    const l = layout(4096);
    expect(() => gptExtents(l)).toThrow(/outside 34\.\.4062/);
  });
});
