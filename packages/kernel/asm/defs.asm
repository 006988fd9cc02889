; defs.asm — constants and structure layouts shared by the kernel's files. Emits no bytes.
;
; Layouts follow the specifications they name: Xen's public/arch-x86/hvm/start_info.h (PVH), the
; ACPI 6.x tables, QEMU's fw_cfg and isa-debug-exit devices, and the Intel SDM for control registers.

; ---- PVH boot protocol -------------------------------------------------------------------------------
HVM_START_MAGIC       equ 0x336ec578    ; hvm_start_info.magic, "xEn3" with the top bit of each byte set

; What kmain compares the magic with. Tests assemble with -DEXPECTED_START_MAGIC=<other value> to take
; the "loader hand-off is not PVH" path, which no real PVH loader would otherwise let them reach.
%ifndef EXPECTED_START_MAGIC
  %define EXPECTED_START_MAGIC HVM_START_MAGIC
%endif

struc hvm_start_info
  .magic:          resd 1
  .version:        resd 1               ; memmap_* exist from version 1 on
  .flags:          resd 1
  .nr_modules:     resd 1
  .modlist_paddr:  resq 1
  .cmdline_paddr:  resq 1               ; NUL-terminated, 0 when there is none
  .rsdp_paddr:     resq 1               ; 0 when the loader did not give one
  .memmap_paddr:   resq 1
  .memmap_entries: resd 1
  .reserved:       resd 1
endstruc

struc hvm_memmap_entry
  .addr:     resq 1
  .size:     resq 1
  .type:     resd 1                     ; E820 numbering, see HVM_MEMMAP_*
  .reserved: resd 1
endstruc

HVM_MEMMAP_RAM        equ 1
HVM_MEMMAP_LAST_NAMED equ 5             ; 1 ram, 2 reserved, 3 acpi, 4 nvs, 5 unusable; others print as numbers

; ---- x86 control state ---------------------------------------------------------------------------------
CR0_PE     equ 1 << 0
CR0_MP     equ 1 << 1                   ; with TS, makes WAIT/FWAIT trap; required alongside SSE
CR0_EM     equ 1 << 2                   ; must be clear or SSE instructions raise #UD
CR0_PG     equ 1 << 31
CR4_PAE    equ 1 << 5
CR4_OSFXSR equ 1 << 9                   ; OS saves SSE state with FXSAVE: enables SSE instructions
CR4_OSXMMEXCPT equ 1 << 10              ; unmasked SSE exceptions raise #XM instead of #UD
MSR_EFER   equ 0xC0000080
EFER_LME   equ 1 << 8
EFER_NXE   equ 1 << 11
CPUID_EXT_LM equ 1 << 29                ; CPUID 0x80000001 EDX: long mode
CPUID_EXT_NX equ 1 << 20                ; CPUID 0x80000001 EDX: no-execute pages

PTE_PRESENT  equ 1 << 0
PTE_WRITE    equ 1 << 1
PTE_HUGE     equ 1 << 7                 ; in a page directory entry: maps a 2 MiB page
HUGE_PAGE    equ 0x200000
IDENTITY_PDS equ 4                      ; page directories, 1 GiB each: the first 4 GiB are mapped

GDT_CODE64 equ 0x08                     ; selectors into `gdt` (longmode.asm)
GDT_DATA   equ 0x10

BOOT_STACK_SIZE equ 16384

; ---- QEMU devices ---------------------------------------------------------------------------------------
COM1 equ 0x3F8                          ; 16550 UART registers are COM1 + 0..7
UART_THR equ 0                          ; transmit holding (DLAB=0) / divisor low (DLAB=1)
UART_IER equ 1                          ; interrupt enable (DLAB=0) / divisor high (DLAB=1)
UART_FCR equ 2
UART_LCR equ 3
UART_MCR equ 4
UART_LSR equ 5
UART_LSR_THRE equ 1 << 5                ; transmit holding register empty: the next byte may be written

ISA_DEBUG_EXIT_PORT equ 0xf4            ; the runner always adds isa-debug-exit,iobase=0xf4,iosize=0x04

FW_CFG_PORT_SEL  equ 0x510              ; 16-bit key selector
FW_CFG_PORT_DATA equ 0x511              ; byte-wide data, auto-incrementing
FW_CFG_SIGNATURE equ 0x0000             ; reads "QEMU"
FW_CFG_NB_CPUS   equ 0x0005             ; 16-bit little-endian count of boot CPUs

EXIT_BAD_BOOT equ 2                     ; exit code when the loader's hand-off cannot be trusted

; ---- ACPI -----------------------------------------------------------------------------------------------
struc acpi_rsdp
  .signature:    resb 8                 ; "RSD PTR "
  .checksum:     resb 1                 ; the first 20 bytes sum to 0
  .oem_id:       resb 6
  .revision:     resb 1                 ; 0 = ACPI 1.0 (RSDT only), 2+ = has the XSDT fields
  .rsdt_address: resd 1
  .length:       resd 1
  .xsdt_address: resq 1
  .ext_checksum: resb 1
  .reserved:     resb 3
endstruc
ACPI_RSDP_V1_SIZE equ 20

struc acpi_sdt                          ; the header every system description table starts with
  .signature:        resd 1
  .length:           resd 1             ; whole table, header included
  .revision:         resb 1
  .checksum:         resb 1             ; the whole table sums to 0
  .oem_id:           resb 6
  .oem_table_id:     resb 8
  .oem_revision:     resd 1
  .creator_id:       resd 1
  .creator_revision: resd 1
endstruc

struc acpi_gas                          ; Generic Address Structure
  .space_id:     resb 1                 ; ACPI_GAS_* below
  .bit_width:    resb 1
  .bit_offset:   resb 1
  .access_size:  resb 1
  .address:      resq 1
endstruc
ACPI_GAS_MEMORY equ 0
ACPI_GAS_IO     equ 1

struc acpi_fadt                         ; "FACP"; fields past the header's length are absent in old tables
  .header:            resb acpi_sdt_size
  .firmware_ctrl:     resd 1
  .dsdt:              resd 1
  .reserved0:         resb 1
  .pm_profile:        resb 1
  .sci_int:           resw 1
  .smi_cmd:           resd 1
  .acpi_enable:       resb 1
  .acpi_disable:      resb 1
  .s4bios_req:        resb 1
  .pstate_cnt:        resb 1
  .pm1a_evt_blk:      resd 1
  .pm1b_evt_blk:      resd 1
  .pm1a_cnt_blk:      resd 1            ; I/O port of PM1a_CNT
  .pm1b_cnt_blk:      resd 1
  .pm2_cnt_blk:       resd 1
  .pm_tmr_blk:        resd 1
  .gpe0_blk:          resd 1
  .gpe1_blk:          resd 1
  .pm1_evt_len:       resb 1
  .pm1_cnt_len:       resb 1
  .pm2_cnt_len:       resb 1
  .pm_tmr_len:        resb 1
  .gpe0_blk_len:      resb 1
  .gpe1_blk_len:      resb 1
  .gpe1_base:         resb 1
  .cst_cnt:           resb 1
  .p_lvl2_lat:        resw 1
  .p_lvl3_lat:        resw 1
  .flush_size:        resw 1
  .flush_stride:      resw 1
  .duty_offset:       resb 1
  .duty_width:        resb 1
  .day_alrm:          resb 1
  .mon_alrm:          resb 1
  .century:           resb 1
  .iapc_boot_arch:    resw 1
  .reserved1:         resb 1
  .flags:             resd 1            ; FADT_HW_REDUCED_ACPI below
  .reset_reg:         resb acpi_gas_size
  .reset_value:       resb 1
  .arm_boot_arch:     resw 1
  .minor_version:     resb 1
  .x_firmware_ctrl:   resq 1
  .x_dsdt:            resq 1
  .x_pm1a_evt_blk:    resb acpi_gas_size
  .x_pm1b_evt_blk:    resb acpi_gas_size
  .x_pm1a_cnt_blk:    resb acpi_gas_size
  .x_pm1b_cnt_blk:    resb acpi_gas_size
  .x_pm2_cnt_blk:     resb acpi_gas_size
  .x_pm_tmr_blk:      resb acpi_gas_size
  .x_gpe0_blk:        resb acpi_gas_size
  .x_gpe1_blk:        resb acpi_gas_size
  .sleep_control_reg: resb acpi_gas_size ; hardware-reduced ACPI (ACPI 5.0+) only
  .sleep_status_reg:  resb acpi_gas_size
endstruc
FADT_HW_REDUCED_ACPI equ 1 << 20
PM1_SLP_TYP_SHIFT    equ 10             ; PM1x_CNT: SLP_TYPx in bits 10-12, SLP_EN is bit 13
PM1_SLP_EN           equ 1 << 13
SLEEP_CTL_TYP_SHIFT  equ 2              ; sleep control register: SLP_TYPx in bits 2-4, SLP_EN is bit 5
SLEEP_CTL_SLP_EN     equ 1 << 5

MADT_ENTRIES        equ acpi_sdt_size + 8 ; header, local APIC address, flags, then variable entries
MADT_LOCAL_APIC     equ 0                 ; entry: type, length, uid, apic id, flags (dword at +4)
MADT_LOCAL_APIC_FLAGS equ 4
MADT_LOCAL_X2APIC   equ 9                 ; entry: type, length, reserved, x2apic id, flags (dword at +8)
MADT_LOCAL_X2APIC_FLAGS equ 8
MADT_CPU_ENABLED    equ 1 << 0

AML_PACKAGE_OP     equ 0x12
AML_BYTE_PREFIX    equ 0x0A
AML_ONE_OP         equ 0x01               ; ZeroOp (0x00) and OneOp (0x01) encode their own value

; ---- Arch & SMP: CPUs, interrupts, paging, time (percpu.asm, gdt.asm, idt.asm, apic.asm, smp.asm ...) ----
MAX_CPUS       equ 64                   ; CPUs the kernel brings up; further MADT entries are ignored
MAX_NODES      equ 16                   ; NUMA nodes (SRAT proximity domains, renumbered densely)
MAX_MEM_RANGES equ 64                   ; entries of node_ranges
SMALL_PAGE     equ 4096
PTE_USER       equ 1 << 2
PTE_NX         equ 1 << 63              ; only when EFER.NXE is on: see `pte_nx` (paging.asm)
CR0_WP         equ 1 << 16              ; supervisor writes honour read-only pages
CR4_OSXSAVE    equ 1 << 18
CPUID_1_ECX_X2APIC   equ 1 << 21
CPUID_1_ECX_TSC_DEADLINE equ 1 << 24
CPUID_1_ECX_XSAVE    equ 1 << 26
CPUID_1_ECX_AVX      equ 1 << 28
CPUID_1_ECX_HYPERVISOR equ 1 << 31

GDT_TSS        equ 0x18                 ; per-CPU GDT (gdt.asm): null, code64, data, then the 16-byte TSS

; Per-CPU stacks: one page-aligned area per CPU, each stack with an unmapped guard page below it.
KSTACK_SIZE    equ 16384                ; the stack the CPU boots on and runs cpu_main on
IST_STACK_SIZE equ 8192
IST_NMI        equ 1                    ; IST slots (TSS.ist1..ist5)
IST_DF         equ 2
IST_MC         equ 3
IST_PF         equ 4                    ; a page fault from a stack overflow needs a stack that works
IST_IRQ        equ 5                    ; device and IPI interrupts: timer_tick runs on this stack
IST_COUNT      equ 5

MSR_APIC_BASE      equ 0x1B
APIC_BASE_ENABLE   equ 1 << 11
APIC_BASE_X2APIC   equ 1 << 10
MSR_FS_BASE        equ 0xC0000100
MSR_GS_BASE        equ 0xC0000101
MSR_KERNEL_GS_BASE equ 0xC0000102
MSR_TSC_DEADLINE   equ 0x6E0

VEC_TIMER    equ 0x40                   ; LAPIC timer: calls timer_tick
VEC_WAKE     equ 0x41                   ; ipi_wake: only ends a hlt
VEC_SPURIOUS equ 0xFF

EXIT_FAULT   equ 70                     ; exit code after a fault report (README "Faults")
TRAMPOLINE_ADDR equ 0x8000              ; AP start-up page below 1 MiB (SIPI vector 0x08)

struc mem_range                         ; node_ranges entry: usable RAM of one node, after the kernel
  .start: resq 1
  .end:   resq 1                        ; exclusive
  .node:  resq 1
endstruc
