; trampoline.asm — the first code an application processor runs: 16-bit real mode to 64-bit long mode.
;
; A STARTUP IPI with vector 0x08 starts the AP in real mode at CS = 0x0800, IP = 0, i.e. at
; TRAMPOLINE_ADDR, where smp_init copied these bytes. The code is position-independent (it addresses
; everything relative to trampoline_start through DS = CS) and goes straight to long mode: PAE, the
; BSP's page tables, EFER.LME (and NXE), then PE and PG together, and a far jump into a 64-bit code
; segment. smp_init fills the parameter block below (in the copy) before the first AP starts; the
; values are the BSP's own, so every CPU runs with the same paging, SSE and protection settings.
; The trampoline page stays executable until smp_init is done (paging.asm). No stack is used.

section .rodata
align 16
trampoline_start:
bits 16
  cli
  cld
  mov ax, cs
  mov ds, ax
  o32 lgdt [tramp_gdtr - trampoline_start]   ; 32-bit form: the boot GDT's base is above 1 MiB
  mov eax, [tramp_cr4 - trampoline_start]
  mov cr4, eax
  mov eax, [tramp_cr3 - trampoline_start]
  mov cr3, eax
  mov ecx, MSR_EFER
  mov eax, [tramp_efer - trampoline_start]
  xor edx, edx
  wrmsr
  mov eax, [tramp_cr0 - trampoline_start]    ; PE + PG (+ WP, MP): long mode is active from here
  mov cr0, eax
  ; A far jump with a 32-bit offset (o32 in 16-bit code): ap_entry64 lies above 64 KiB.
  jmp dword GDT_CODE64:ap_entry64
align 4
; Parameter block, written by smp_init into the copy at TRAMPOLINE_ADDR.
tramp_cr3:  dd 0
tramp_cr4:  dd 0
tramp_cr0:  dd 0
tramp_efer: dd 0
tramp_gdtr: dw gdt_end - gdt - 1
            dd gdt
trampoline_end:
bits 64
