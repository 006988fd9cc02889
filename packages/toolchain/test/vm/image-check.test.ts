/**
 * Images are checked before QEMU starts: the env guest passes; non-ELF, non-x86-64 and note-less ELFs are
 * refused with specific errors, and startGuest refuses them without spawning anything.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BootImageError } from '../../src/vm/errors.js';
import { startGuest } from '../../src/vm/guest.js';
import { checkBootImage } from '../../src/vm/image-check.js';
import { trackedGuestPids } from '../../src/vm/reaper.js';
import { withTempDir } from '../../src/vm/testing.js';
import { buildEnvGuest } from './helpers.js';

function problemOf(bytes: Uint8Array): string {
  try {
    checkBootImage(bytes);
    return 'ok';
  } catch (err) {
    if (err instanceof BootImageError) return err.problem;
    throw err;
  }
}

describe('checkBootImage', () => {
  it('accepts a PVH ELF and rejects broken ones with the specific problem', async () => {
    await withTempDir(async (dir) => {
      const good = readFileSync(await buildEnvGuest(dir));
      expect(checkBootImage(good).pvhEntry).toBe(0x100000n);

      expect(problemOf(new TextEncoder().encode('MZ not an elf at all'))).toBe('not-elf');
      expect(problemOf(new Uint8Array(0))).toBe('not-elf');

      const i386 = Uint8Array.from(good);
      new DataView(i386.buffer).setUint16(18, 3, true); // EM_386
      expect(problemOf(i386)).toBe('not-x86-64');

      const elf32 = Uint8Array.from(good);
      elf32[4] = 1; // ELFCLASS32
      expect(problemOf(elf32)).toBe('not-x86-64');

      // Change the note's type (12 bytes into the PT_NOTE segment, found through the second phdr).
      const noNote = Uint8Array.from(good);
      const view = new DataView(noNote.buffer);
      const notePhdr = 64 + 56;
      expect(view.getUint32(notePhdr, true)).toBe(4); // PT_NOTE
      const noteAt = Number(view.getBigUint64(notePhdr + 8, true));
      expect(view.getUint32(noteAt + 8, true)).toBe(18); // XEN_ELFNOTE_PHYS32_ENTRY
      view.setUint32(noteAt + 8, 17, true);
      expect(problemOf(noNote)).toBe('no-pvh-note');
    });
  });

  it('makes startGuest refuse a bad image before QEMU is spawned', async () => {
    await withTempDir(async (dir) => {
      const bad = join(dir, 'bad.elf');
      writeFileSync(bad, 'definitely not an ELF');
      await expect(startGuest({ image: bad, accel: 'tcg' })).rejects.toThrow(/not an ELF/);
      await expect(startGuest({ image: join(dir, 'missing.elf'), accel: 'tcg' })).rejects.toThrow(
        /cannot read image/,
      );
      expect(trackedGuestPids()).toEqual([]);
    });
  });
});
