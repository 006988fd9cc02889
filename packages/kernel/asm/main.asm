; main.asm — kmain: the kernel's first 64-bit code, printing the boot banner and powering off.
;
; Entered by a jump from long_mode_entry (longmode.asm): long mode, identity map of 4 GiB, flat segments,
; RSP at the top of the boot stack, interrupts off (and no IDT: any exception here triple-faults).
; Never returns. The banner's lines, in order, are documented in ../README.md; tests and the VM runner
; parse them, so changing a line's wording is an interface change.

section .text
bits 64

kmain:
  call serial_init
  ; Firmware may have left a partial line on the console (SeaBIOS does): start the banner on a new one.
  call print_newline
  mov rdi, msg_kernel
  call print_str

  ; The start info is the loader's only hand-off: refuse to interpret it unless the magic matches.
  mov rbx, [start_info_paddr]
  mov edi, [rbx + hvm_start_info.magic]
  cmp edi, EXPECTED_START_MAGIC
  jne .bad_magic

  call print_cmdline
  call cmdline_exit_code
  mov r12, rax                          ; exit code, preserved across the calls below
  call print_memmap
  call acpi_init
  call print_cpus
  mov edi, r12d
  jmp power_off

.bad_magic:
  mov r12d, edi                         ; the magic that was found
  mov rdi, msg_bad_magic
  call print_str
  mov edi, r12d
  call print_hex64
  call print_newline
  mov edi, EXIT_BAD_BOOT
  jmp power_off

; print_cpus — prints "toro: cpus <N> (<source>)": the MADT's enabled CPUs when ACPI is there, else
; QEMU's fw_cfg CPU count, else 1 (the CPU running this; cpuid gives no system-wide count).
; In: acpi_init done. Clobbers the caller-saved registers.
print_cpus:
  push rbx
  push r12
  call acpi_count_cpus
  mov rbx, msg_source_madt
  test rax, rax
  jnz .print
  call fwcfg_count_cpus
  mov rbx, msg_source_fwcfg
  test rax, rax
  jnz .print
  mov eax, 1
  mov rbx, msg_source_cpuid
.print:
  mov r12, rax
  mov rdi, msg_cpus
  call print_str
  mov rdi, r12
  call print_dec
  mov rdi, rbx
  call print_str
  pop r12
  pop rbx
  ret

section .rodata
msg_kernel:       db "toro: kernel ", KERNEL_VERSION, " x86-64 (PVH)", 13, 10, 0
msg_bad_magic:    db "toro: error: bad hvm_start_info magic ", 0
msg_cpus:         db "toro: cpus ", 0
msg_source_madt:  db " (madt)", 13, 10, 0
msg_source_fwcfg: db " (fw_cfg)", 13, 10, 0
msg_source_cpuid: db " (cpuid)", 13, 10, 0
