; exit.asm — ending the run with an exit code the host can see.
;
; power_off follows the kernel's System V convention (kernel.asm) for its argument, and never returns.
; Order of attempts:
;   1. QEMU's isa-debug-exit device at port 0xf4: QEMU exits at once with status (code << 1) | 1, so
;      the host reads the guest's code back as (status - 1) / 2 (codes 0-127 survive the 8-bit status).
;   2. ACPI S5 (acpi.asm), for machines without that device; QEMU then exits with status 0.
;   3. Otherwise report the failure and halt with interrupts off; the host's timeout ends the VM.

section .text
bits 64

; power_off — prints "toro: exit <code>" and powers off with code EDI.
power_off:
  mov ebx, edi                          ; RBX is callee-saved by everything called below
  mov rdi, msg_exit
  call print_str
  mov edi, ebx
  call print_dec
  call print_newline
  mov eax, ebx
  out ISA_DEBUG_EXIT_PORT, eax          ; a write to an absent device is simply dropped
  call acpi_poweroff
  mov rdi, msg_poweroff_failed
  call print_str
.halt:
  cli
  hlt
  jmp .halt

section .rodata
msg_exit:            db "toro: exit ", 0
msg_poweroff_failed: db "toro: error: could not power off, halting", 13, 10, 0
