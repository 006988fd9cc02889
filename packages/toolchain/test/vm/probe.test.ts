/**
 * The KVM probe: its hand-assembled bytes equal NASM's, it really computes 42 with SSE when booted (under
 * TCG here), and on this machine the probe decides TCG — both when /dev/kvm is missing and when a device
 * opens but QEMU cannot boot the probe with KVM.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateBootImage } from '../../src/image/elf-read.js';
import { probeAccel, resolveAccel } from '../../src/vm/accel.js';
import { buildQemuArgs } from '../../src/vm/cmdline.js';
import { AccelUnavailableError } from '../../src/vm/errors.js';
import { findQemu } from '../../src/vm/find-qemu.js';
import { launchGuest } from '../../src/vm/launch.js';
import {
  PROBE_CODE,
  PROBE_EXPECTED_CODE,
  PROBE_LOAD_ADDRESS,
  PROBE_SOURCE_LINES,
  probeImage,
} from '../../src/vm/probe-guest.js';
import { isProcessAlive, withTempDir } from '../../src/vm/testing.js';
import { nasmBin } from './helpers.js';

describe('KVM probe guest', () => {
  it('has exactly the bytes NASM assembles from its documented source', async () => {
    await withTempDir(async (dir) => {
      const src = join(dir, 'probe.asm');
      writeFileSync(src, `${PROBE_SOURCE_LINES.join('\n')}\n`);
      expect(Buffer.from(PROBE_CODE).toString('hex')).toBe(
        Buffer.from(await nasmBin(src, dir)).toString('hex'),
      );
    });
  });

  it('is a PVH image that executes SSE and reports 42 through isa-debug-exit', async () => {
    const image = probeImage();
    expect(validateBootImage(image)).toMatchObject({ ok: true, pvhEntry: BigInt(PROBE_LOAD_ADDRESS) });
    await withTempDir(async (dir) => {
      const path = join(dir, 'probe.elf');
      writeFileSync(path, image);
      const args = buildQemuArgs({ image: path, accel: 'tcg', memory: '16M' });
      const guest = launchGuest({ qemuPath: findQemu(), args, accel: 'tcg', timeoutMs: 20_000 });
      try {
        const exit = await guest.exited;
        expect(exit).toMatchObject({ source: 'debug-exit', code: PROBE_EXPECTED_CODE });
      } finally {
        await guest.stop();
      }
      expect(isProcessAlive(guest.pid)).toBe(false);
    });
  });
});

describe('probeAccel', () => {
  it('falls back to TCG when the KVM device cannot be opened', async () => {
    const probe = await probeAccel({ kvmDevice: '/nonexistent/kvm' });
    expect(probe.accel).toBe('tcg');
    expect(probe.reason).toMatch(/cannot be opened/);
  });

  it('falls back to TCG when the device opens but the probe guest does not run under KVM', async () => {
    await withTempDir(async (dir) => {
      // An openable stand-in: QEMU itself still needs a working /dev/kvm, which this machine lacks.
      const device = join(dir, 'fake-kvm');
      writeFileSync(device, '');
      const started = Date.now();
      const probe = await probeAccel({ kvmDevice: device });
      expect(probe.accel).toBe('tcg');
      expect(probe.reason).toMatch(/probe guest failed/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  it('decides TCG on this machine, caches the answer, and refuses a forced KVM with a clear error', async () => {
    const first = probeAccel();
    expect(probeAccel()).toBe(first);
    expect((await first).accel).toBe('tcg');
    await expect(resolveAccel('kvm')).rejects.toThrow(AccelUnavailableError);
    await expect(resolveAccel('kvm')).rejects.toThrow(/KVM was requested but cannot be used/);
    expect(await resolveAccel('tcg')).toMatchObject({ accel: 'tcg' });
    expect((await resolveAccel('auto')).accel).toBe('tcg');
  });
});
