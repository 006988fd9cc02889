; percpu.asm — the per-CPU block (reached through GS), each CPU's stack area, and the topology globals.
;
; Every CPU has one page-aligned area, in its own node's memory (the BSP's is in .bss):
;
;   area + 0                     +-------------------------------+
;                                | guard page (unmapped)         |
;   area + 4 KiB                 +-------------------------------+
;                                | kernel stack, KSTACK_SIZE     |  the CPU boots and runs cpu_main here
;   .kstack_top                  +-------------------------------+
;                                | guard page                    |
;                                | IST 1 (NMI), IST_STACK_SIZE   |
;                                | guard page                    |
;                                | IST 2 (#DF)                   |
;                                |   ... IST 3 (#MC), IST 4 (#PF), IST 5 (interrupts), each above a guard
;   area + CPU_STACKS_SIZE       +-------------------------------+
;                                | struc percpu (GS base)        |  PERCPU_PAGES pages
;   area + CPU_AREA_SIZE         +-------------------------------+
;
; GS base = the CPU's `percpu` block for as long as the kernel runs; nothing ever executes swapgs.
; The block's first fields are a fixed contract (offsets never change): .self at 0, .cpu_id, .apic_id,
; .node. The mechanisms (engineer B's files) append their fields after `.arch_end`.
;
; Who writes what: a CPU's block is written only by that CPU, except the fields the BSP fills before
; starting it (everything up to .arch_end). The globals below are written by the BSP during boot, before
; any AP runs cpu_main, and are read-only afterwards.
;
; Routines: System V convention (kernel.asm).

struc tss64                             ; Intel SDM vol. 3, 64-bit TSS
  .reserved0: resd 1
  .rsp0:      resq 3                    ; RSP0-2: unused (no ring 3 yet)
  .reserved1: resq 1
  .ist:       resq 7                    ; IST1-7 stack tops
  .reserved2: resq 1
  .reserved3: resw 1
  .iomap:     resw 1                    ; = tss64_size: no I/O permission bitmap
endstruc

struc percpu
  .self:           resq 1               ; linear address of this block: [gs:0] gives it
  .cpu_id:         resd 1               ; dense, 0..ncpus-1, BSP = 0
  .apic_id:        resd 1               ; (x2)APIC id, for IPIs
  .node:           resd 1               ; NUMA node, 0..nnodes-1
  .fault_depth:    resd 1               ; > 0 while this CPU is printing a fault report
  .area:           resq 1               ; the CPU's stack area (see the drawing above)
  .kstack_top:     resq 1
  .timer_deadline: resq 1               ; what timer_arm was last given (ns), 0 = nothing armed
  .gdt:            resq 5               ; null, code64, data, TSS (two slots); see gdt.asm
  .gdtr_pad:       resw 3               ; aligns .gdtr's base field
  .gdtr:           resw 1               ; lgdt operand: limit, then base
  .gdtr_base:      resq 1
  .tss:            resb tss64_size
  .arch_end:
  ; ---- fields of the mechanisms (scheduler, memory, matrix) follow ----
  .mech:           resq 1               ; B: this CPU's mechanism block (struc mech, mech_defs.asm)
endstruc

PERCPU_PAGES     equ (percpu_size + SMALL_PAGE - 1) / SMALL_PAGE
CPU_STACKS_SIZE  equ SMALL_PAGE + KSTACK_SIZE + IST_COUNT * (SMALL_PAGE + IST_STACK_SIZE)
CPU_AREA_SIZE    equ CPU_STACKS_SIZE + PERCPU_PAGES * SMALL_PAGE

section .text
bits 64

; percpu_area_init — prepares the CPU area at RDI for the CPU with id ESI, APIC id EDX, node ECX:
; fills its percpu block's fixed fields and TSS stack pointers and records it in percpu_blocks and
; cpu_node. Does not load anything into the CPU (cpu_load_state does, on the CPU itself).
; RAX = the percpu block.
percpu_area_init:
  lea rax, [rdi + CPU_STACKS_SIZE]
  mov [rax + percpu.self], rax
  mov [rax + percpu.cpu_id], esi
  mov [rax + percpu.apic_id], edx
  mov [rax + percpu.node], ecx
  mov [rax + percpu.area], rdi
  lea r8, [rdi + SMALL_PAGE + KSTACK_SIZE]
  mov [rax + percpu.kstack_top], r8
  mov [percpu_blocks + rsi * 8], rax
  mov [cpu_node + rsi], cl
  ; IST n's top: after the kernel stack, n times (guard + stack).
  lea r8, [rdi + SMALL_PAGE + KSTACK_SIZE]
  xor r9d, r9d
.ist:
  add r8, SMALL_PAGE + IST_STACK_SIZE
  mov [rax + percpu.tss + tss64.ist + r9 * 8], r8
  inc r9d
  cmp r9d, IST_COUNT
  jb .ist
  mov word [rax + percpu.tss + tss64.iomap], tss64_size
  ret

; percpu_area_guard — unmaps the guard page under each stack of the CPU area at RDI (paging.asm's
; 4 KiB map must exist). Preserves RBX.
percpu_area_guard:
  push rbx
  push r12
  mov rbx, rdi
  call page_unmap                       ; below the kernel stack
  lea rbx, [rbx + SMALL_PAGE + KSTACK_SIZE]
  mov r12d, IST_COUNT
.next:
  mov rdi, rbx
  call page_unmap
  add rbx, SMALL_PAGE + IST_STACK_SIZE
  dec r12d
  jnz .next
  pop r12
  pop rbx
  ret

; percpu_activate — GS base := RDI (a percpu block). Segment registers must already be loaded: loading
; GS afterwards would overwrite the base. Clobbers RAX, RCX, RDX.
percpu_activate:
  mov ecx, MSR_GS_BASE
  mov rax, rdi
  mov rdx, rdi
  shr rdx, 32
  wrmsr
  mov ecx, MSR_KERNEL_GS_BASE           ; never swapped in, but keep it defined
  xor eax, eax
  xor edx, edx
  wrmsr
  ret

section .data
align 8
ncpus:            dd 1                  ; CPUs online (the BSP alone until smp_init)
nnodes:           dd 1                  ; NUMA nodes (1 without an SRAT)
node_range_count: dd 0

section .bss
alignb 8
percpu_blocks: resq MAX_CPUS            ; cpu_id -> percpu block
node_ranges:   resb mem_range_size * MAX_MEM_RANGES
cpu_node:      resb MAX_CPUS            ; cpu_id -> node
alignb 4096
cpu0_area:     resb CPU_AREA_SIZE       ; the BSP's stacks and block (its node is not known this early)
