; acpi.asm — just enough ACPI: find tables, count CPUs from the MADT, enter S5 (soft off) via the FADT.
;
; Routines follow the kernel's System V convention (kernel.asm). Tables are read in place through the
; identity map; a table whose checksum fails is treated as absent. acpi_init must run (after kmain has
; validated the start info) before the others; until then they all report "no ACPI".
; Pointers in tables are trusted only as far as the identity map reaches: anything at or above 4 GiB
; would fault (there is no IDT yet), so such pointers are skipped.

ACPI_MAPPED_LIMIT equ 0x100000000       ; end of the identity map (longmode.asm)
BIOS_AREA_START   equ 0xE0000           ; where ACPI 1.0-era firmware puts the RSDP when nobody says
BIOS_AREA_END     equ 0x100000

section .text
bits 64

; acpi_init — sets [acpi_rsdp_paddr] to a validated RSDP: the one in hvm_start_info.rsdp_paddr, or, when the
; loader left that 0, the first valid one on a 16-byte boundary in the BIOS area; 0 when there is none.
acpi_init:
  push rbx
  mov rax, [start_info_paddr]
  mov rdi, [rax + hvm_start_info.rsdp_paddr]
  test rdi, rdi
  jz .scan
  mov rbx, rdi
  call acpi_rsdp_valid
  test eax, eax
  jz .done                              ; a bad pointer from the loader: believe nothing else either
  mov [acpi_rsdp_paddr], rbx
  jmp .done
.scan:
  mov ebx, BIOS_AREA_START
.candidate:
  mov rdi, rbx
  call acpi_rsdp_valid
  test eax, eax
  jnz .found
  add ebx, 16
  cmp ebx, BIOS_AREA_END
  jb .candidate
  jmp .done
.found:
  mov [acpi_rsdp_paddr], rbx
.done:
  pop rbx
  ret

; acpi_rsdp_valid — EAX = 1 if RDI points at an RSDP ("RSD PTR " and a correct ACPI 1.0 checksum).
acpi_rsdp_valid:
  xor eax, eax
  cmp dword [rdi + acpi_rsdp.signature], 'RSD '
  jne .done
  cmp dword [rdi + acpi_rsdp.signature + 4], 'PTR '
  jne .done
  mov esi, ACPI_RSDP_V1_SIZE
  call acpi_checksum
  test al, al
  setz al
  movzx eax, al
.done:
  ret

; acpi_checksum — AL = byte sum of RSI bytes at RDI (0 for a valid table). Clobbers RDI, RSI.
acpi_checksum:
  xor eax, eax
.next:
  test rsi, rsi
  jz .done
  add al, [rdi]
  inc rdi
  dec rsi
  jmp .next
.done:
  ret

; acpi_table_valid — EAX = 1 if RDI points (below 4 GiB) at a table with signature ESI whose checksum
; over its own length is correct.
acpi_table_valid:
  xor eax, eax
  mov rcx, ACPI_MAPPED_LIMIT - acpi_sdt_size
  cmp rdi, rcx
  jae .done                             ; the header must be mapped
  test rdi, rdi
  jz .done
  cmp [rdi + acpi_sdt.signature], esi
  jne .done
  mov esi, [rdi + acpi_sdt.length]
  cmp esi, acpi_sdt_size
  jb .done
  lea rdx, [rdi + rsi]
  mov rcx, ACPI_MAPPED_LIMIT
  cmp rdx, rcx
  ja .done                              ; and so must the rest of the table
  call acpi_checksum
  test al, al
  setz al
  movzx eax, al
.done:
  ret

; acpi_find_table — RAX = address of the first valid table with signature EDI listed in the XSDT (when
; the RSDP is revision 2+ and has one) or else the RSDT; 0 when there is none or no ACPI at all.
acpi_find_table:
  push rbx
  push r12
  push r13
  push r14
  push r15
  mov r14d, edi                         ; signature wanted
  mov rbx, [acpi_rsdp_paddr]
  test rbx, rbx
  jz .not_found
  cmp byte [rbx + acpi_rsdp.revision], 2
  jb .use_rsdt
  mov rdi, [rbx + acpi_rsdp.xsdt_address]
  test rdi, rdi
  jz .use_rsdt
  mov esi, 'XSDT'
  mov r13d, 8                           ; XSDT entries are 64-bit addresses
  jmp .check_root
.use_rsdt:
  mov edi, [rbx + acpi_rsdp.rsdt_address]
  mov esi, 'RSDT'
  mov r13d, 4                           ; RSDT entries are 32-bit addresses
.check_root:
  mov rbx, rdi
  call acpi_table_valid
  test eax, eax
  jz .not_found
  mov r12d, [rbx + acpi_sdt.length]
  add r12, rbx                          ; R12: end of the entry array
  add rbx, acpi_sdt_size                ; RBX: next entry, R13: entry size
.entry:
  lea rax, [rbx + r13]
  cmp rax, r12
  ja .not_found
  mov r15d, [rbx]
  cmp r13d, 8
  jne .check_entry
  mov r15, [rbx]
.check_entry:
  mov rdi, r15
  mov esi, r14d
  call acpi_table_valid
  test eax, eax
  jnz .found
  add rbx, r13
  jmp .entry
.found:
  mov rax, r15
  jmp .done
.not_found:
  xor eax, eax
.done:
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; acpi_count_cpus — RAX = number of enabled processors (Local APIC and Local x2APIC entries with the
; Enabled flag) in the MADT; 0 when there is no MADT.
acpi_count_cpus:
  mov edi, 'APIC'
  call acpi_find_table
  test rax, rax
  jz .done
  mov ecx, [rax + acpi_sdt.length]
  lea rdx, [rax + rcx]                  ; RDX: end of the table
  lea rsi, [rax + MADT_ENTRIES]         ; RSI: current entry
  xor eax, eax                          ; RAX: count
.entry:
  lea rcx, [rsi + 2]
  cmp rcx, rdx
  ja .done                              ; not even a type and length left
  movzx ecx, byte [rsi + 1]
  cmp ecx, 2
  jb .done                              ; a malformed length would loop forever: stop counting
  cmp byte [rsi], MADT_LOCAL_APIC
  jne .not_lapic
  test byte [rsi + MADT_LOCAL_APIC_FLAGS], MADT_CPU_ENABLED
  jz .next
  inc eax
  jmp .next
.not_lapic:
  cmp byte [rsi], MADT_LOCAL_X2APIC
  jne .next
  test byte [rsi + MADT_LOCAL_X2APIC_FLAGS], MADT_CPU_ENABLED
  jz .next
  inc eax
.next:
  add rsi, rcx
  jmp .entry
.done:
  ret

; acpi_s5_sleep_type — EAX = SLP_TYPa for S5, the first element of the DSDT's \_S5_ package, or -1
; when there is no DSDT or no such package. RDI = the FADT.
; The AML is not interpreted: we look for the bytes "_S5_" followed by PackageOp, which is how every
; firmware (and QEMU) writes Name (_S5_, Package () {...}).
acpi_s5_sleep_type:
  push rbx
  xor ebx, ebx
  cmp dword [rdi + acpi_sdt.length], acpi_fadt.x_dsdt + 8
  jb .legacy_dsdt
  mov rbx, [rdi + acpi_fadt.x_dsdt]
.legacy_dsdt:
  test rbx, rbx
  jnz .have_dsdt
  mov ebx, [rdi + acpi_fadt.dsdt]
.have_dsdt:
  mov rdi, rbx
  mov esi, 'DSDT'
  call acpi_table_valid
  test eax, eax
  jz .none
  mov ecx, [rbx + acpi_sdt.length]
  lea rdx, [rbx + rcx - 12]             ; name, PackageOp, up to 4 PkgLength bytes, count, element
  lea rsi, [rbx + acpi_sdt_size]
.scan:
  cmp rsi, rdx
  ja .none
  cmp dword [rsi], '_S5_'
  jne .scan_next
  cmp byte [rsi + 4], AML_PACKAGE_OP
  je .package
.scan_next:
  inc rsi
  jmp .scan
.package:
  ; PkgLength: bits 7-6 of its first byte count the bytes that follow it. Then NumElements, then the
  ; first element: a BytePrefix constant, or ZeroOp/OneOp standing for themselves.
  movzx ecx, byte [rsi + 5]
  shr ecx, 6
  lea rsi, [rsi + rcx + 7]              ; past name, PackageOp, PkgLength and NumElements
  movzx eax, byte [rsi]
  cmp eax, AML_BYTE_PREFIX
  jne .constant
  movzx eax, byte [rsi + 1]
  jmp .done
.constant:
  cmp eax, AML_ONE_OP
  jbe .done
.none:
  mov eax, -1
.done:
  pop rbx
  ret

; acpi_poweroff — asks the platform to enter S5. Returns if that was impossible (no ACPI, no FADT, no
; \_S5_, an unusable register) or the machine is still running after a while; the caller halts.
; Hardware-reduced platforms (QEMU microvm) take SLP_TYP|SLP_EN in the FADT's sleep control register;
; the others take SLP_TYP<<10|SLP_EN in PM1a_CNT. Only PM1a is written: QEMU has no PM1b block.
acpi_poweroff:
  push rbx
  push r12
  mov edi, 'FACP'
  call acpi_find_table
  test rax, rax
  jz .fail
  mov rbx, rax
  mov rdi, rbx
  call acpi_s5_sleep_type
  test eax, eax
  js .fail
  and eax, 7
  mov r12d, eax
  test dword [rbx + acpi_fadt.flags], FADT_HW_REDUCED_ACPI
  jz .pm1
  cmp dword [rbx + acpi_sdt.length], acpi_fadt.sleep_control_reg + acpi_gas_size
  jb .fail
  lea rdi, [rbx + acpi_fadt.sleep_control_reg]
  mov esi, r12d
  shl esi, SLEEP_CTL_TYP_SHIFT
  or esi, SLEEP_CTL_SLP_EN
  mov edx, 1                            ; the sleep control register is 8 bits wide
  call acpi_gas_write
  test eax, eax
  jz .fail
  jmp .wait
.pm1:
  mov esi, r12d
  shl esi, PM1_SLP_TYP_SHIFT
  or esi, PM1_SLP_EN
  ; ACPI 2.0+ FADTs may give PM1a_CNT as a generic address; older ones only as an I/O port.
  cmp dword [rbx + acpi_sdt.length], acpi_fadt.x_pm1a_cnt_blk + acpi_gas_size
  jb .pm1_port
  cmp qword [rbx + acpi_fadt.x_pm1a_cnt_blk + acpi_gas.address], 0
  je .pm1_port
  lea rdi, [rbx + acpi_fadt.x_pm1a_cnt_blk]
  mov edx, 2                            ; PM1 control registers are 16 bits wide
  call acpi_gas_write
  test eax, eax
  jz .fail
  jmp .wait
.pm1_port:
  mov edx, [rbx + acpi_fadt.pm1a_cnt_blk]
  test edx, edx
  jz .fail
  mov eax, esi
  out dx, ax
.wait:
  ; The VMM acts on the write asynchronously: give it time before the caller reports a failure.
  mov ecx, 50000000
.spin:
  pause
  dec ecx
  jnz .spin
.fail:
  pop r12
  pop rbx
  ret

; acpi_gas_write — writes ESI to the generic address at RDI with an access of EDX bytes (1 or 2).
; EAX = 1 if written, 0 if the address space is neither memory nor I/O or the address is unmapped.
acpi_gas_write:
  mov rcx, [rdi + acpi_gas.address]
  movzx eax, byte [rdi + acpi_gas.space_id]
  cmp eax, ACPI_GAS_IO
  je .io
  cmp eax, ACPI_GAS_MEMORY
  jne .unsupported
  mov rax, ACPI_MAPPED_LIMIT - 2
  cmp rcx, rax
  ja .unsupported
  cmp edx, 2
  je .memory16
  mov [rcx], sil
  jmp .written
.memory16:
  mov [rcx], si
  jmp .written
.io:
  mov r8d, edx
  mov edx, ecx                          ; port number in DX, value in AL/AX
  mov eax, esi
  cmp r8d, 2
  je .io16
  out dx, al
  jmp .written
.io16:
  out dx, ax
.written:
  mov eax, 1
  ret
.unsupported:
  xor eax, eax
  ret

section .bss
acpi_rsdp_paddr: resq 1                 ; validated RSDP, 0 = no ACPI
