/**
 * Wraps one flat blob of 32-bit code into a PVH-bootable ELF for the runner's own tiny guests (the KVM probe
 * and the test guests), through the toolchain's real image writer (../image/elf.ts): one executable
 * section at the load address, the PVH entry note pointing at `entry`.
 */

import { writeElf } from '../image/elf.js';

export interface FlatGuest {
  /** The guest's code, assembled for `loadAddress` (e.g. NASM `org 0x100000`, `bits 32`). */
  code: Uint8Array;
  /** Physical load address of `code`; QEMU's PVH loader wants it at or above 1 MiB. */
  loadAddress: number;
  /** Physical address of the 32-bit PVH entry point; defaults to `loadAddress`. */
  entry?: number;
}

export function writePvhElf(guest: FlatGuest): Uint8Array {
  const entry = BigInt(guest.entry ?? guest.loadAddress);
  const address = BigInt(guest.loadAddress);
  return writeElf(
    {
      sections: [
        {
          name: '.text',
          address,
          loadAddress: address,
          bytes: guest.code,
          size: guest.code.length,
          nobits: false,
          // Writable too: the test guests keep their data and stack next to their code.
          flags: { write: true, exec: true },
        },
      ],
      symbols: [],
    },
    { entry, pvhEntry: entry },
  );
}
