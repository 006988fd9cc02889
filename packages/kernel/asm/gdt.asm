; gdt.asm — each CPU's own GDT and TSS (in its percpu block), so each has its own IST stacks.
;
; Layout of the per-CPU GDT (selectors equal to the boot GDT's in longmode.asm, so CS/DS/SS need no
; reload to stay valid):
;   0x00 null   0x08 64-bit code (GDT_CODE64)   0x10 data (GDT_DATA)   0x18 TSS, 16 bytes (GDT_TSS)
; Routines: System V convention (kernel.asm).

GDT_CODE64_DESC equ 0x00209B0000000000  ; L=1, present, DPL 0, execute/read, accessed
GDT_DATA_DESC   equ 0x0000930000000000  ; present, read/write, accessed
TSS_TYPE_AVAILABLE equ 0x89             ; present, 64-bit TSS (available)

section .text
bits 64

; gdt_load — builds the GDT and TSS descriptor inside the percpu block RDI and loads both (lgdt, ltr),
; then reloads DS/ES/SS and zeroes FS/GS. Must run on the CPU that owns the block, before
; percpu_activate (loading GS clears its base). Clobbers RAX, RCX, RDX.
gdt_load:
  xor eax, eax
  mov [rdi + percpu.gdt], rax
  mov rax, GDT_CODE64_DESC
  mov [rdi + percpu.gdt + 8], rax
  mov rax, GDT_DATA_DESC
  mov [rdi + percpu.gdt + 16], rax
  ; TSS descriptor: limit 15:0, base 23:0, type, limit 19:16 (0), base 31:24, then base 63:32.
  lea rdx, [rdi + percpu.tss]
  mov eax, tss64_size - 1
  mov ecx, edx
  and ecx, 0xFFFFFF
  shl rcx, 16
  or rax, rcx
  mov rcx, TSS_TYPE_AVAILABLE
  shl rcx, 40
  or rax, rcx
  mov rcx, rdx
  shr rcx, 24
  and ecx, 0xFF
  shl rcx, 56
  or rax, rcx
  mov [rdi + percpu.gdt + 24], rax
  shr rdx, 32
  mov [rdi + percpu.gdt + 32], rdx
  mov word [rdi + percpu.gdtr], 5 * 8 - 1
  lea rax, [rdi + percpu.gdt]
  mov [rdi + percpu.gdtr_base], rax
  lgdt [rdi + percpu.gdtr]
  mov ax, GDT_DATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  xor eax, eax
  mov fs, ax
  mov gs, ax
  mov ax, GDT_TSS
  ltr ax
  ret
