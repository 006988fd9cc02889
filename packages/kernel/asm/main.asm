; main.asm — kmain: the boot sequence of the BSP, top to bottom, ending in cpu_main.
;
; Entered by a jump from long_mode_entry (longmode.asm): long mode, identity map of 4 GiB, flat segments,
; RSP at the top of the boot stack, interrupts off. Until idt_init an exception triple-faults; from
; there on it is reported (fault.asm). The banner's first lines come from here, the arch lines from the
; arch files (time, topology), then the BSP releases the APs and, last, runs cpu_main itself.
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
  call print_memmap
  call acpi_init
  call print_cpus

  ; ---- arch: this CPU, time, topology, protection, the other CPUs (README "Boot sequence") ----
  call idt_init                         ; exceptions are reported from here on
  mov rdi, cpu0_area
  xor esi, esi                          ; cpu 0; APIC id and node are filled in below
  xor edx, edx
  xor ecx, ecx
  call percpu_area_init
  mov rsp, [rax + percpu.kstack_top]    ; the BSP's own stack from now on (kmain never returns)
  xor ebp, ebp                          ; ends every frame-pointer chain
  mov rdi, rax
  call cpu_load_state                   ; GDT/TSS, GS, IDT, SSE/AVX, local APIC
  call apic_id
  mov [gs:percpu.apic_id], eax
  call time_init                        ; TSC rate, clock_ns, the timer
  call topology_init                    ; MADT/SRAT: CPUs, nodes, node_ranges
  mov eax, [topo_apic_nodes]
  mov [gs:percpu.node], eax
  mov [cpu_node], al
  call paging_init                      ; 4 KiB pages over RAM, W^X, page 0 unmapped
  mov rdi, cpu0_area
  call percpu_area_guard
  call smp_init                         ; every AP up, sleeping until smp_release
  call topology_report                  ; "toro: N CPUs online in M nodes"
%ifdef SELFTEST
  call fault_selftest                   ; fault=<kind> on the command line: a deliberate fault
%endif

  ; ---- mechanisms: per-CPU memory, scheduler, message matrix (engineer B) go here ----

  call smp_release
  jmp cpu_main                          ; the BSP last; never returns

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
; QEMU's fw_cfg CPU count, else `cpus=<n>` from the command line, else 1 (the CPU running this; cpuid
; gives no system-wide count). topology_init makes the same choice for the CPUs it starts.
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
  mov rdi, key_cpus
  call cmdline_number
  mov rbx, msg_source_cmdline
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
msg_source_cmdline: db " (cmdline)", 13, 10, 0
msg_source_cpuid: db " (cpuid)", 13, 10, 0
