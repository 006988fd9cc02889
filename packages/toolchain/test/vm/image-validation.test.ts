/**
 * startGuest checks the image (with the toolchain's validateBootImage) before QEMU starts: the env guest
 * boots; non-ELF, non-x86-64, 32-bit and note-less ELFs are refused with the specific BootImageError problem,
 * an unreadable path with a VmOptionError, and in every refused case no QEMU process was started.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BootImageError } from '../../src/image/elf-read.js';
import { VmOptionError } from '../../src/vm/errors.js';
import { startGuest } from '../../src/vm/guest.js';
import { trackedGuestPids } from '../../src/vm/reaper.js';
import { withTempDir } from '../../src/vm/testing.js';
import { buildEnvGuest } from './helpers.js';

/** Where the PVH note's type field sits, found through the PT_NOTE program header. */
function noteTypeOffset(elf: Uint8Array): number {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(view.getBigUint64(32, true));
  for (let i = 0; i < view.getUint16(56, true); i++) {
    const ph = phoff + i * view.getUint16(54, true);
    if (view.getUint32(ph, true) === 4) return Number(view.getBigUint64(ph + 8, true)) + 8;
  }
  throw new Error('no PT_NOTE');
}

async function refusal(path: string): Promise<unknown> {
  try {
    const guest = await startGuest({ image: path, accel: 'tcg', timeoutMs: 20_000 });
    await guest.stop();
    return 'started';
  } catch (err) {
    return err;
  }
}

describe('image validation in startGuest', () => {
  it('refuses unbootable images with the specific problem, before spawning QEMU', async () => {
    await withTempDir(async (dir) => {
      const good = readFileSync(await buildEnvGuest(dir));
      const variants: [string, (b: Uint8Array) => void, string][] = [
        ['text', (b) => b.set(new TextEncoder().encode('MZ not an elf')), 'not-elf'],
        ['i386', (b) => new DataView(b.buffer).setUint16(18, 3, true), 'not-x86-64'],
        ['elf32', (b) => (b[4] = 1), 'not-x86-64'],
        ['no-note', (b) => new DataView(b.buffer).setUint32(noteTypeOffset(b), 17, true), 'no-pvh-note'],
      ];
      for (const [name, damage, problem] of variants) {
        const bytes = Uint8Array.from(good);
        expect(new DataView(bytes.buffer).getUint32(noteTypeOffset(bytes), true)).toBe(18);
        damage(bytes);
        const path = join(dir, `${name}.elf`);
        writeFileSync(path, bytes);
        const err = await refusal(path);
        expect(err, name).toBeInstanceOf(BootImageError);
        expect((err as BootImageError).problem, name).toBe(problem);
        expect((err as Error).message).toContain(path);
      }
      const missing = await refusal(join(dir, 'missing.elf'));
      expect(missing).toBeInstanceOf(VmOptionError);
      expect((missing as Error).message).toMatch(/cannot read image .*missing\.elf/);
      expect(trackedGuestPids()).toEqual([]);
    });
  });

  it('boots the undamaged image, and skips the check when asked', async () => {
    await withTempDir(async (dir) => {
      const path = await buildEnvGuest(dir, { EXIT_CODE: 3 });
      const guest = await startGuest({ image: path, accel: 'tcg', timeoutMs: 20_000 });
      expect((await guest.exited).code).toBe(3);
      // validateImage: false hands even a bad file to QEMU, which then reports its own error.
      const bad = join(dir, 'bad.elf');
      writeFileSync(bad, 'not an image');
      const unchecked = await startGuest({
        image: bad,
        accel: 'tcg',
        validateImage: false,
        timeoutMs: 20_000,
      });
      const exit = await unchecked.exited;
      expect(exit).toMatchObject({ code: null, source: 'qemu' });
      expect(exit.error).toMatch(/QEMU exited with status 1/);
    });
  });
});
