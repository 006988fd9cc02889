; kernel.asm — Toro's first kernel: the top-level file that `nasm -f bin` (and Toro's own assembler) builds.
;
; Boot path, top to bottom:
;   pvh.asm       QEMU enters `pvh_entry` in 32-bit protected mode through the PVH boot protocol.
;   longmode.asm  identity-maps 4 GiB, turns on PAE + long mode + paging + SSE, far-jumps to 64-bit code.
;   main.asm      `kmain`: prints the banner (see ../README.md), then powers off with the exit code.
; Concerns used by kmain, one file each: serial.asm (COM1), print.asm (number/string output),
; memmap.asm (PVH command line + memory map), acpi.asm (RSDP/XSDT/FADT/MADT/DSDT), fwcfg.asm (QEMU fw_cfg),
; exit.asm (isa-debug-exit, then ACPI S5).
;
; Calling convention for every 64-bit routine (the System V one, so compiled code can call them later):
; arguments in RDI, RSI, RDX; result in RAX; RAX, RCX, RDX, RSI, RDI, R8-R11 may be clobbered;
; RBX, RBP, R12-R15 and RSP are preserved. No routine relies on a 16-byte-aligned stack.
;
; Memory layout: the image is linked at 1 MiB (physical = virtual; paging is an identity map).
; Sections in address order: .text (code), .rodata (strings, tables), .data (GDT, variables with initial
; values), with -DSERVICE .svcdata (the service's .data: every object's .data but the kernel's is renamed
; so by the build, see isolate.asm), .bss (nobits, page-aligned: page tables, boot stack,
; zero-initialised variables).

org 0x100000

; Sections are page-aligned so paging.asm can give each its own protection (text RX, rodata R, data RW).
section .text progbits align=16
section .rodata progbits align=4096 follows=.text
section .data progbits align=4096 follows=.rodata
section .bss nobits align=4096

%define KERNEL_VERSION "0.1.0"

; Start of .bss, for pvh_entry's clearing loop. Reservations made by the files below follow in include
; order; the first ones (boot stack, then page tables) are page-sized so the page tables stay aligned.
section .bss
bss_start:

; Where each section starts, for paging.asm.
section .text
kernel_text_start:
section .rodata
kernel_rodata_start:
section .data
kernel_data_start:
%ifdef SERVICE
; The service's mutable state: page-aligned, after .data (so RW+NX in paging.asm), and closed on a page
; boundary by image_end.asm's svc_data_end. The kernel's piece is empty: this label starts the window
; every CPU but CPU 0 replaces with its own copy (isolate.asm).
section .svcdata progbits write noexec align=4096 follows=.data
global svc_data_start
svc_data_start:
section .data
%endif

%include "defs.asm"
%include "mech_defs.asm"                ; mechanisms: memory, threads, matrix layouts
%include "pvh.asm"
%include "longmode.asm"
%include "main.asm"
%include "serial.asm"
%include "print.asm"
%include "memmap.asm"
%include "acpi.asm"
%include "fwcfg.asm"
%include "exit.asm"
%include "cmdline.asm"
%include "percpu.asm"
%include "cpu.asm"
%include "gdt.asm"
%include "idt.asm"
%include "fault.asm"
%include "apic.asm"
%include "time.asm"
%include "topology.asm"
%include "paging.asm"
%include "smp.asm"
%include "trampoline.asm"
%ifdef SELFTEST
%include "faulttest.asm"
%endif
; mechanisms: per-CPU memory, the message matrix, the scheduler, and cpu_main where every CPU ends up
%include "mem_page.asm"
%include "mem_object.asm"
%include "matrix.asm"
%include "sched.asm"
%include "stack_window.asm"             ; lazily committed stacks for the compiled runtime's threads
%include "irq.asm"                      ; device interrupts: vectors, I/O APIC pins, irq_wait
%include "cpu_main.asm"
%ifdef SERVICE
%include "isolate.asm"                  ; each AP's private copy of the service's .data
%endif
%include "abi.asm"                      ; the entry points services call (docs/kernel-abi.md)
%ifdef SERVICE
global toro_console_write, toro_page_alloc, toro_page_free, toro_alloc, toro_free
global toro_stack_map, toro_stack_unmap, toro_space_map, toro_space_unmap
global toro_thread_create, toro_thread_create_on, toro_thread_yield, toro_thread_sleep
global toro_thread_block, toro_thread_wake, toro_thread_join, toro_thread_self, toro_thread_exit
global toro_msg_send, toro_msg_recv, toro_msg_try_recv, toro_msg_flush
global toro_clock_ns, toro_cmdline, toro_wall_clock_ns, toro_cpu_id, toro_cpu_count, toro_cpu_node, toro_node_id, toro_node_count
global toro_mem_stats, toro_node_mem, toro_exit, toro_panic
global toro_irq_alloc, toro_irq_route, toro_irq_msi_address, toro_irq_enable, toro_irq_disable
global toro_irq_take, toro_irq_wait, toro_irq_kick
%endif
%ifdef SELFTEST
%include "selftest.asm"
%endif

; The bss section's bounds, so pvh_entry can clear it without trusting the loader to have done so.
; Everything placed in .bss above this point by the included files is a multiple of 4 bytes long.
; With -DSERVICE the compiled service (runtime and program objects) is linked after the kernel, so
; its sections follow the kernel's in each section: the end of the image is then image_end.asm,
; linked last, which defines bss_end and kernel_end after everything.
%ifdef SERVICE
extern bss_end, kernel_end, svc_data_end
%else
section .bss
bss_end:
alignb 4096
kernel_end:                             ; first page after the image: node_ranges start at or above it
%endif
