import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeElf } from '../../src/image/elf.js';
import { readImageNotes, validateBootImage } from '../../src/image/elf-read.js';
import { layoutNote, readLayout } from '../../src/image/layout-note.js';
import type { LinkedImage } from '../../src/link/image.js';

// A one-section image: `hlt; jmp $-1` at 1 MiB.
const image: LinkedImage = {
  sections: [
    {
      name: '.text',
      address: 0x100000n,
      loadAddress: 0x100000n,
      bytes: Uint8Array.from([0xf4, 0xeb, 0xfd]),
      size: 3,
      nobits: false,
      flags: { write: false, exec: true },
    },
  ],
  symbols: [{ name: 'start', address: 0x100000n, section: '.text', global: true }],
};

it('records the machine layout in a note beside the PVH note, readable by us and by readelf', () => {
  const elf = writeElf(image, {
    entry: 0x100000n,
    pvhEntry: 0x100000n,
    notes: [layoutNote({ cpus: 6, memory: '768M' })],
  });
  expect(validateBootImage(elf)).toMatchObject({ ok: true, pvhEntry: 0x100000n });
  expect(readLayout(elf)).toEqual({ cpus: 6, memory: '768M' });
  expect(readImageNotes(elf).map((n) => `${n.name}/${n.type}`)).toEqual(['Xen/18', 'Toro/1']);

  const dir = mkdtempSync(join(tmpdir(), 'toro-note-'));
  try {
    const file = join(dir, 'a.elf');
    writeFileSync(file, elf);
    const notes = execFileSync('readelf', ['-W', '-n', file], { encoding: 'utf8', timeout: 10_000 });
    // The descriptor is the JSON text, byte for byte.
    const json = Buffer.from('{"cpus":6,"memory":"768M"}');
    expect(notes).toMatch(new RegExp(`Toro\\s+0x${json.length.toString(16).padStart(8, '0')}`));
    const hex = json.toString('hex').match(/../g)!.join(' ');
    expect(notes).toContain(hex);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('finds no layout in an image built without one, or in a file that is not an ELF', () => {
  expect(readLayout(writeElf(image, { entry: 0x100000n, pvhEntry: 0x100000n }))).toBeUndefined();
  expect(readLayout(new TextEncoder().encode('not an image at all, just text'))).toBeUndefined();
});

it('writes no note segment for an image that is not booted through PVH and has no notes', () => {
  const elf = writeElf(image, { entry: 0x100000n });
  expect(readImageNotes(elf)).toEqual([]);
  expect(validateBootImage(elf)).toMatchObject({ ok: false, problem: 'no-pvh-note' });
});
