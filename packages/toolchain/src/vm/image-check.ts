/**
 * Checks, before QEMU is started, that an image can boot through PVH: an ELF64, x86-64, with a
 * XEN_ELFNOTE_PHYS32_ENTRY note in a PT_NOTE segment. Without this QEMU either refuses with a vague message
 * or, worse, boots the bytes some other way and hangs until the timeout.
 *
 * ../image/elf-read.ts (`validateBootImage`) is the toolchain's full reader; this is the runner's minimal
 * check with the same contract (returns the PVH entry, throws a specific BootImageError).
 */

import { BootImageError } from './errors.js';

const PT_NOTE = 4;
const EM_X86_64 = 62;
const XEN_ELFNOTE_PHYS32_ENTRY = 18;

export function checkBootImage(bytes: Uint8Array): { pvhEntry: bigint } {
  const isElf =
    bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!isElf) throw new BootImageError('not-elf', 'image is not an ELF file (no \\x7fELF magic)');
  if (bytes.length < 64 || bytes[4] !== 2 || bytes[5] !== 1) {
    throw new BootImageError('not-x86-64', 'image is not a little-endian ELF64 file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = view.getUint16(18, true);
  if (machine !== EM_X86_64) {
    throw new BootImageError('not-x86-64', `image is an ELF for machine ${machine}, not x86-64 (62)`);
  }
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > bytes.length) break;
    if (view.getUint32(ph, true) !== PT_NOTE) continue;
    const start = Number(view.getBigUint64(ph + 8, true));
    const end = Math.min(bytes.length, start + Number(view.getBigUint64(ph + 32, true)));
    let at = start;
    while (at + 12 <= end) {
      const namesz = view.getUint32(at, true);
      const descsz = view.getUint32(at + 4, true);
      const type = view.getUint32(at + 8, true);
      const nameAt = at + 12;
      const descAt = nameAt + Math.ceil(namesz / 4) * 4;
      const name = new TextDecoder().decode(bytes.subarray(nameAt, nameAt + Math.max(0, namesz - 1)));
      if (name === 'Xen' && type === XEN_ELFNOTE_PHYS32_ENTRY && descAt + descsz <= end) {
        if (descsz === 4) return { pvhEntry: BigInt(view.getUint32(descAt, true)) };
        if (descsz === 8) return { pvhEntry: view.getBigUint64(descAt, true) };
      }
      at = descAt + Math.ceil(descsz / 4) * 4;
    }
  }
  throw new BootImageError(
    'no-pvh-note',
    'image has no PVH entry note (Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY) so QEMU cannot boot it via PVH',
  );
}
