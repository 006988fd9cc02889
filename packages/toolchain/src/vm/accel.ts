/**
 * Chooses KVM or TCG. KVM is used only when /dev/kvm opens AND a probe guest that executes SSE boots under
 * it and reports the right value within ~2 s: some machines expose a /dev/kvm whose (software) hypervisor
 * cannot run SSE, and a guest there dies in ways that look like kernel bugs. The probe result is cached per
 * process.
 */

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Accel, buildQemuArgs } from './cmdline.js';
import { AccelUnavailableError, VmOptionError } from './errors.js';
import { findQemu } from './find-qemu.js';
import { launchGuest } from './launch.js';
import { PROBE_EXPECTED_CODE, probeImage } from './probe-guest.js';

export type AccelRequest = 'auto' | Accel;

export interface AccelProbe {
  accel: Accel;
  /** Why: "KVM probe guest ran SSE and exited 42", or why KVM was rejected. */
  reason: string;
}

export interface ProbeOptions {
  qemuPath?: string;
  /** The KVM device to check; default /dev/kvm. */
  kvmDevice?: string;
  /** Default 2000 ms. */
  timeoutMs?: number;
}

const cache = new Map<string, Promise<AccelProbe>>();

function openable(device: string): string | null {
  try {
    closeSync(openSync(device, 'r+'));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function runProbe(qemuPath: string, device: string, timeoutMs: number): Promise<AccelProbe> {
  const problem = openable(device);
  if (problem !== null) return { accel: 'tcg', reason: `${device} cannot be opened (${problem})` };
  const dir = mkdtempSync(join(tmpdir(), 'toro-kvm-probe-'));
  try {
    const image = join(dir, 'probe.elf');
    writeFileSync(image, probeImage());
    const args = buildQemuArgs({ image, machine: 'microvm', accel: 'kvm', memory: '16M' });
    const guest = launchGuest({ qemuPath, args, accel: 'kvm', timeoutMs, killGraceMs: 500 });
    const exit = await guest.exited;
    if (exit.source === 'debug-exit' && exit.code === PROBE_EXPECTED_CODE) {
      return { accel: 'kvm', reason: `KVM probe guest ran SSE and exited ${exit.code}` };
    }
    const detail = exit.code !== null ? `exit ${exit.code} via ${exit.source}` : (exit.error ?? exit.source);
    return { accel: 'tcg', reason: `KVM probe guest failed under ${device} (${detail})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function probeAccel(options: ProbeOptions = {}): Promise<AccelProbe> {
  const qemuPath = options.qemuPath ?? findQemu();
  const device = options.kvmDevice ?? '/dev/kvm';
  const key = `${qemuPath}\0${device}`;
  let result = cache.get(key);
  if (result === undefined) {
    result = runProbe(qemuPath, device, options.timeoutMs ?? 2_000);
    cache.set(key, result);
  }
  return result;
}

/** Turns 'auto' into kvm or tcg; 'kvm' that cannot work is an error rather than a silent slow run. */
export async function resolveAccel(request: AccelRequest, options: ProbeOptions = {}): Promise<AccelProbe> {
  if (request !== 'auto' && request !== 'kvm' && request !== 'tcg') {
    throw new VmOptionError(`accel must be auto, kvm or tcg, got ${String(request)}`);
  }
  if (request === 'tcg') return { accel: 'tcg', reason: 'requested' };
  const probe = await probeAccel(options);
  if (request === 'kvm' && probe.accel !== 'kvm') {
    throw new AccelUnavailableError(`KVM was requested but cannot be used: ${probe.reason}. Use accel tcg.`);
  }
  return probe;
}
