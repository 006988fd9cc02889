/**
 * The KVM probe guest: 52 bytes of 32-bit code entered through PVH that must really execute SSE and then
 * report a value through isa-debug-exit. A hypervisor that exposes /dev/kvm but cannot run SSE (seen on
 * software-emulated KVM) faults or reports a wrong value, and the runner falls back to TCG.
 *
 * Register use: eax only (plus xmm0/xmm1). Entered with paging off, CR0.PE set, as PVH guarantees.
 * PROBE_SOURCE_LINES is the NASM source; test/vm/probe.test.ts assembles it and compares with PROBE_CODE.
 */

import { writePvhElf } from './pvh-elf.js';

export const PROBE_SOURCE_LINES = [
  'bits 32',
  'org 0x100000',
  'mov eax, cr4',
  'or eax, 0x600 ; CR4.OSFXSR | CR4.OSXMMEXCPT: SSE would #UD without them',
  'mov cr4, eax',
  'mov eax, cr0',
  'and eax, 0xfffffffb ; clear CR0.EM (x87 emulation makes SSE #UD)',
  'or eax, 2 ; set CR0.MP',
  'mov cr0, eax',
  'xorps xmm1, xmm1',
  'mov eax, 0x15',
  'movd xmm0, eax',
  'paddd xmm0, xmm0 ; 0x15 + 0x15 = 0x2a, computed in an XMM register',
  'por xmm0, xmm1',
  'movd eax, xmm0',
  'out 0xf4, al ; QEMU exits with (0x2a << 1) | 1 = 85',
  'halt:',
  'hlt',
  'jmp halt',
];

// biome-ignore format: one instruction per row
export const PROBE_CODE = Uint8Array.from([
  0x0f, 0x20, 0xe0,             // mov eax, cr4
  0x0d, 0x00, 0x06, 0x00, 0x00, // or eax, 0x600
  0x0f, 0x22, 0xe0,             // mov cr4, eax
  0x0f, 0x20, 0xc0,             // mov eax, cr0
  0x83, 0xe0, 0xfb,             // and eax, 0xfffffffb (imm8 sign-extended)
  0x83, 0xc8, 0x02,             // or eax, 2
  0x0f, 0x22, 0xc0,             // mov cr0, eax
  0x0f, 0x57, 0xc9,             // xorps xmm1, xmm1
  0xb8, 0x15, 0x00, 0x00, 0x00, // mov eax, 0x15
  0x66, 0x0f, 0x6e, 0xc0,       // movd xmm0, eax
  0x66, 0x0f, 0xfe, 0xc0,       // paddd xmm0, xmm0
  0x66, 0x0f, 0xeb, 0xc1,       // por xmm0, xmm1
  0x66, 0x0f, 0x7e, 0xc0,       // movd eax, xmm0
  0xe6, 0xf4,                   // out 0xf4, al
  0xf4,                         // halt: hlt
  0xeb, 0xfd,                   // jmp halt
]);

/** The guest code the probe reports when SSE worked. */
export const PROBE_EXPECTED_CODE = 0x2a;
export const PROBE_LOAD_ADDRESS = 0x100000;

export function probeImage(): Uint8Array {
  return writePvhElf({ code: PROBE_CODE, loadAddress: PROBE_LOAD_ADDRESS });
}
