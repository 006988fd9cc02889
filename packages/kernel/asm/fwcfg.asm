; fwcfg.asm — QEMU's fw_cfg device through its legacy I/O ports (0x510 selector, 0x511 data).
;
; Routines follow the kernel's System V convention (kernel.asm). Used only when there is no ACPI MADT
; (QEMU microvm with acpi=off): on other hypervisors or hardware the signature check fails and callers
; fall back further. Reading a port with no device behind it returns 0xFF bytes, never hangs.

section .text
bits 64

; fwcfg_count_cpus — RAX = FW_CFG_NB_CPUS (the -smp CPU count), or 0 when fw_cfg is not there.
fwcfg_count_cpus:
  mov dx, FW_CFG_PORT_SEL
  mov eax, FW_CFG_SIGNATURE
  out dx, ax
  mov dx, FW_CFG_PORT_DATA
  xor ecx, ecx
  mov esi, 4
.signature_byte:                        ; each byte enters at the top: after 4, the first is lowest
  in al, dx
  shr ecx, 8
  movzx eax, al
  shl eax, 24
  or ecx, eax
  dec esi
  jnz .signature_byte
  xor eax, eax
  cmp ecx, 'QEMU'
  jne .done
  mov dx, FW_CFG_PORT_SEL
  mov eax, FW_CFG_NB_CPUS
  out dx, ax
  mov dx, FW_CFG_PORT_DATA
  in al, dx                             ; little-endian 16-bit value
  movzx ecx, al
  in al, dx
  movzx eax, al
  shl eax, 8
  or eax, ecx
.done:
  ret
