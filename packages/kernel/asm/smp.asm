; smp.asm — starting the application processors (INIT-SIPI-SIPI) and releasing every CPU to cpu_main.
;
; smp_init (BSP, after paging_init): copies the real-mode trampoline (trampoline.asm) to TRAMPOLINE_ADDR,
; then starts the CPUs topology_init listed, one at a time. For each: a CPU area from its own node's
; memory (percpu.asm), guard pages unmapped, ap_boot_block := its percpu block, INIT, 10 ms, STARTUP,
; and a second STARTUP if it has not answered within 1 ms (as the MP start-up algorithm asks). An AP that
; does not report within AP_START_TIMEOUT_US is reported as an error and skipped; cpu ids stay dense.
; Each AP (ap_entry64) loads its own GDT/TSS/IDT/GS/APIC state, reports in, then sleeps (hlt) until
; smp_release; then every CPU calls cpu_main with interrupts off, on its own kernel stack.
; Routines: System V convention (kernel.asm).

AP_INIT_DELAY_US   equ 10000
AP_SIPI_DELAY_US   equ 1000
AP_START_TIMEOUT_US equ 2000000         ; generous: under TCG a new vCPU thread may wait for a host core

section .text
bits 64

smp_init:
  push rbx
  push r12
  push r13
  ; The trampoline, and the state the APs must enter long mode with: the BSP's own.
  mov rsi, trampoline_start
  mov rdi, TRAMPOLINE_ADDR
  mov ecx, trampoline_end - trampoline_start
  rep movsb
  mov rax, cr3
  mov [TRAMPOLINE_ADDR + tramp_cr3 - trampoline_start], eax
  mov rax, cr4
  mov [TRAMPOLINE_ADDR + tramp_cr4 - trampoline_start], eax
  mov rax, cr0
  mov [TRAMPOLINE_ADDR + tramp_cr0 - trampoline_start], eax
  mov ecx, MSR_EFER
  rdmsr
  and eax, ~(1 << 10)                   ; LMA is the CPU's to set
  mov [TRAMPOLINE_ADDR + tramp_efer - trampoline_start], eax

  mov r12d, 1                           ; R12: index into topo_apic_ids (0 is the BSP)
.next_cpu:
  cmp r12d, [topo_cpu_count]
  jae .done
  mov ebx, [ncpus]                      ; RBX: the cpu_id this AP will get
  mov edi, [topo_apic_nodes + r12 * 4]
  mov esi, CPU_AREA_SIZE
  call bootmem_alloc
  test rax, rax
  jz .no_memory
  mov r13, rax                          ; R13: the CPU area
  mov rdi, r13
  mov esi, ebx
  mov edx, [topo_apic_ids + r12 * 4]
  mov ecx, [topo_apic_nodes + r12 * 4]
  call percpu_area_init
  mov [ap_boot_block], rax
  mov rdi, r13
  call percpu_area_guard
  mov dword [ap_started], 0
  mov edi, [topo_apic_ids + r12 * 4]
  call smp_start_ap
  test eax, eax
  jz .failed
  inc dword [ncpus]
  jmp .advance
.failed:
  mov rdi, msg_ap_failed
  call print_str
  mov edi, [topo_apic_ids + r12 * 4]
  call print_dec
  mov rdi, msg_ap_failed_end
  call print_str
.advance:
  inc r12d
  jmp .next_cpu
.no_memory:
  mov rdi, msg_ap_no_memory
  call print_str
.done:
  ; The trampoline page was left executable for the APs; it is ordinary data from now on.
  mov edi, TRAMPOLINE_ADDR
  call page_map
  pop r13
  pop r12
  pop rbx
  ret

; smp_start_ap — INIT-SIPI-SIPI to APIC id EDI; EAX = 1 once the AP has set ap_started, 0 on timeout.
smp_start_ap:
  push rbx
  push r12
  mov ebx, edi
  mov esi, APIC_ICR_INIT
  call apic_send_ipi
  mov edi, AP_INIT_DELAY_US
  call tsc_delay_us
  mov edi, ebx
  mov esi, APIC_ICR_STARTUP | (TRAMPOLINE_ADDR >> 12)
  call apic_send_ipi
  mov edi, AP_SIPI_DELAY_US
  call tsc_delay_us
  cmp dword [ap_started], 0
  jne .started
  mov edi, ebx
  mov esi, APIC_ICR_STARTUP | (TRAMPOLINE_ADDR >> 12)
  call apic_send_ipi
  call clock_ns
  mov r12, rax
  add r12, AP_START_TIMEOUT_US * 1000
.wait:
  cmp dword [ap_started], 0
  jne .started
  pause
  call clock_ns
  cmp rax, r12
  jb .wait
  xor eax, eax
  jmp .done
.started:
  mov eax, 1
.done:
  pop r12
  pop rbx
  ret

; smp_release — lets every AP go on to cpu_main (they sleep in hlt until this wakes them).
smp_release:
  mov byte [smp_go], 1
  cmp dword [ncpus], 1
  je .done
  call apic_wake_others
.done:
  ret

; ap_entry64 — where the trampoline's far jump lands: 64-bit mode, the BSP's page tables, the boot GDT,
; no stack. Never returns.
ap_entry64:
  mov ax, GDT_DATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov rdi, [ap_boot_block]
  mov rsp, [rdi + percpu.kstack_top]
  xor ebp, ebp                          ; ends every frame-pointer chain
  call cpu_load_state
  call apic_timer_enable                ; the mode and rate the BSP's time_init chose
  mov dword [ap_started], 1             ; the BSP may now reuse ap_boot_block for the next AP
.sleep:                                 ; until smp_release (checked with interrupts off: no lost wake)
  cmp byte [smp_go], 0
  jne .go
  call cpu_halt_until_interrupt
  jmp .sleep
.go:
  call cpu_main                         ; never returns

section .rodata
msg_ap_failed:     db "toro: error: the CPU with APIC id ", 0
msg_ap_failed_end: db " did not start", 13, 10, 0
msg_ap_no_memory:  db "toro: error: no memory for more CPUs", 13, 10, 0

section .data
align 8
ap_boot_block: dq 0                     ; percpu block of the AP being started
ap_started:    dd 0                     ; set by that AP once it runs on its own state
smp_go:        db 0                     ; set by smp_release
