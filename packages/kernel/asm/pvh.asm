; pvh.asm — the PVH entry point: where QEMU (or any PVH loader) starts the kernel.
;
; The ELF image writer (toolchain image/elf.ts) advertises `pvh_entry` in a XEN_ELFNOTE_PHYS32_ENTRY note;
; the loader then jumps here with (PVH ABI, Xen docs/misc/pvh.pandoc):
;   32-bit protected mode, paging off, CS flat 32-bit code, DS/ES/SS flat 32-bit data,
;   EBX = physical address of the hvm_start_info block, interrupts disabled,
;   GDTR/IDTR unspecified (we must not reload a segment register before loading our own GDT),
;   no usable stack.
; Registers on the way out to enter_long_mode: none carry values; the start info address is saved in
; `start_info_paddr`, and ESP points at the top of the boot stack.

section .text
bits 32

pvh_entry:
  cli
  cld                                   ; string instructions below (and later) count upwards
  ; Clear .bss first: it holds the page tables and the stack, and nothing may be stored there before.
  ; EBX, the loader's hand-off, is not touched by the clearing loop.
  mov edi, bss_start
%ifdef SERVICE
  mov ecx, bss_end                      ; a linked service's .bss follows: the linker knows the end
  sub ecx, edi
  shr ecx, 2
%else
  mov ecx, (bss_end - bss_start) / 4
%endif
  xor eax, eax
  rep stosd
  mov esp, boot_stack_top
  mov [start_info_paddr], ebx           ; zero-extended: the upper half of the qword is still 0
  jmp enter_long_mode

section .data
align 8
; Physical address of hvm_start_info, as the loader gave it in EBX; read by main.asm and memmap.asm.
start_info_paddr: dq 0

section .bss
; 16 KiB, a multiple of the page size, so the page tables reserved next (longmode.asm) stay page-aligned.
boot_stack:
  resb BOOT_STACK_SIZE
boot_stack_top:
