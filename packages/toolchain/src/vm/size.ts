/**
 * Parses guest memory sizes ("64M", "2G", "512MiB", "1.5G", bare "128") into whole MiB.
 *
 * Suffixes are binary like QEMU's own `-m` (M, MB and MiB all mean 2^20); a bare number means MiB, also as
 * in QEMU. The result must be a whole number of MiB so the NUMA split and `-m` stay exact.
 */

import { VmOptionError } from './errors.js';

const UNIT_BYTES: Record<string, number> = {
  '': 2 ** 20,
  B: 1,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
};
const MIB = 2 ** 20;
/** QEMU x86 accepts far less than this in practice; the cap only keeps the arithmetic exact. */
const MAX_MIB = 2 ** 30;

export function parseMemorySize(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input <= 0 || input > MAX_MIB) {
      throw new VmOptionError(`memory size ${input} is not a positive whole number of MiB`);
    }
    return input;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(?:i?B)?|(B))?\s*$/i.exec(input);
  if (m === null) {
    throw new VmOptionError(`cannot parse memory size "${input}" (expected e.g. 64M, 2G, 512MiB)`);
  }
  const unit = (m[2] ?? m[3] ?? '').toUpperCase();
  const bytes = Number(m[1]) * UNIT_BYTES[unit];
  const mib = bytes / MIB;
  if (!Number.isInteger(mib) || mib <= 0) {
    throw new VmOptionError(`memory size "${input}" must be a positive whole number of MiB`);
  }
  if (mib > MAX_MIB) throw new VmOptionError(`memory size "${input}" is too large`);
  return mib;
}
