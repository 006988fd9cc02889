/**
 * startGuest: the runner's front door. Finds QEMU, checks the image boots via PVH, picks KVM or TCG, builds
 * the argv and launches the guest. Everything that can be rejected is rejected here, before QEMU starts.
 */

import { readFile } from 'node:fs/promises';
import { readDiskKernel } from '../disk/disk-image.js';
import { DiskFormatError } from '../disk/gpt.js';
import { BootImageError, validateBootImage } from '../image/elf-read.js';
import { type AccelRequest, resolveAccel } from './accel.js';
import { buildQemuArgs, type QemuConfig, qemuConfigNotes } from './cmdline.js';
import { VmOptionError } from './errors.js';
import { findQemu } from './find-qemu.js';
import { type Guest, launchGuest } from './launch.js';

export interface GuestOptions extends Omit<QemuConfig, 'accel'> {
  /** Default 'auto': KVM if the probe guest runs under it, else TCG. */
  accel?: AccelRequest;
  /** Default: TORO_QEMU, else qemu-system-x86_64 on PATH. */
  qemuPath?: string;
  /** Hard limit on the guest's life; 0 for none (interactive `toro run`). Default 30 s. */
  timeoutMs?: number;
  /** SIGTERM → SIGKILL grace. Default 2 s. */
  killGraceMs?: number;
  /** Append every serial line to this file. */
  logFile?: string;
  /** Default true: refuse images that are not PVH-bootable x86-64 ELFs (or disks that do not carry one). */
  validateImage?: boolean;
}

async function validate(image: string, bootFrom: QemuConfig['bootFrom']): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(image);
  } catch (err) {
    throw new VmOptionError(`cannot read image ${image}: ${(err as Error).message}`);
  }
  if (bootFrom === 'disk') {
    try {
      bytes = readDiskKernel(bytes);
    } catch (err) {
      if (err instanceof DiskFormatError) throw new VmOptionError(`${image}: ${err.message}`);
      throw err;
    }
  }
  const check = validateBootImage(bytes);
  if (!check.ok) throw new BootImageError(check.problem, `${image}: ${check.message}`);
}

export async function startGuest(options: GuestOptions): Promise<Guest> {
  const qemuPath = options.qemuPath ?? findQemu();
  if (options.validateImage !== false) await validate(options.image, options.bootFrom);
  const { accel } = await resolveAccel(options.accel ?? 'auto', { qemuPath });
  const config = { ...options, accel };
  const args = buildQemuArgs(config);
  return launchGuest({
    notes: qemuConfigNotes(config),
    qemuPath,
    args,
    accel,
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    logFile: options.logFile,
  });
}
