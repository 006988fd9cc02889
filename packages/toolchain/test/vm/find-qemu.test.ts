/** findQemu against the real PATH, TORO_QEMU, and an empty PATH. */

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QemuNotFoundError } from '../../src/vm/errors.js';
import { findQemu } from '../../src/vm/find-qemu.js';
import { withTempDir } from '../../src/vm/testing.js';

describe('findQemu', () => {
  it('finds qemu-system-x86_64 on PATH', () => {
    expect(findQemu()).toMatch(/\/qemu-system-x86_64$/);
  });

  it('prefers TORO_QEMU when it is an executable', async () => {
    await withTempDir(async (dir) => {
      const fake = join(dir, 'my-qemu');
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
      expect(findQemu({ PATH: process.env.PATH, TORO_QEMU: fake })).toBe(fake);
      chmodSync(fake, 0o644);
      expect(() => findQemu({ PATH: process.env.PATH, TORO_QEMU: fake })).toThrow(/TORO_QEMU/);
    });
  });

  it('says how to install QEMU on Debian when it is missing', async () => {
    await withTempDir(async (dir) => {
      const find = () => findQemu({ PATH: dir });
      expect(find).toThrow(QemuNotFoundError);
      expect(find).toThrow('sudo apt-get install qemu-system-x86');
    });
  });
});
