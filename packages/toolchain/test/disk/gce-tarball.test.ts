/** Compute Engine's image tarball, read back by GNU tar: one disk.raw, byte for byte the disk. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { flattenDisk } from '../../src/disk/disk-image.js';
import { tarHeader, writeDiskTarball, writeGceTarball } from '../../src/disk/gce-tarball.js';

const work = mkdtempSync(join(tmpdir(), 'toro-gce-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const disk = {
  size: 3 * 2 ** 20,
  extents: [
    { offset: 0, bytes: new Uint8Array(512).fill(7) },
    { offset: 2 ** 20 + 512, bytes: new TextEncoder().encode('kernel') },
    { offset: 3 * 2 ** 20 - 512, bytes: new Uint8Array(512).fill(9) },
  ],
};

it('holds one file GNU tar lists and extracts as the disk, holes as zeros', async () => {
  const file = join(work, 'image.tar.gz');
  await writeDiskTarball(file, disk, 'disk.raw');
  const listing = execFileSync('tar', ['--numeric-owner', '-tvzf', file], { encoding: 'utf8' });
  expect(listing).toMatch(/^-rw-r--r-- 0\/0\s+3145728 \S+ \S+ disk\.raw$/m);
  expect(listing.trim().split('\n')).toHaveLength(1);
  execFileSync('tar', ['-xzf', file, '-C', work]);
  expect(Buffer.from(readFileSync(join(work, 'disk.raw'))).equals(Buffer.from(flattenDisk(disk)))).toBe(true);
});

it('writes the header checksum tar expects and refuses names that do not fit', () => {
  const header = tarHeader('disk.raw', 1024);
  const sum = header.reduce((n, b, i) => n + (i >= 148 && i < 156 ? 32 : b), 0);
  expect(new TextDecoder().decode(header.subarray(148, 154))).toBe(sum.toString(8).padStart(6, '0'));
  expect(new TextDecoder().decode(header.subarray(257, 265))).toBe('ustar  \0');
  expect(() => tarHeader('x'.repeat(101), 0)).toThrow(/wider than 100/);
});

it('takes only whole GiB for Compute Engine', async () => {
  await expect(writeGceTarball(join(work, 'no.tar.gz'), disk)).rejects.toThrow(/whole GiB/);
});
