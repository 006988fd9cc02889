; cpu_main.asm — where every CPU's bring-up ends: its mechanisms (memory, matrix, scheduler) are set up,
; then the BSP starts the service's main thread and every CPU becomes its scheduler's idle loop.
;
; cpu_main is jumped or called to by the boot code (smp.asm for APs, main.asm for the BSP, the BSP last,
; after every AP is online) with GS = the CPU's percpu block (.cpu_id filled), the CPU's own stack, the
; IDT loaded, interrupts off. It never returns; its stack becomes the CPU's idle thread.
;
; Start-up order and why it needs no atomic: each CPU writes only its own mech block, its own
; matrix_inbox entry, then its own cpu_ready line; x86 stores become visible in program order, so any
; CPU that sees cpu_ready[i] = 1 also sees CPU i's allocator ranges and inbound rings. The BSP waits
; until it has seen every CPU ready before it starts the service, and nothing sends a message before
; the service starts, so no message can reach a CPU whose rings do not exist yet. In a service image each
; AP also takes its private copy of the service's data just before it publishes cpu_ready (isolate.asm),
; so the BSP's wait is what guarantees the copies are of the image's pristine bytes.

section .text
bits 64

cpu_main:
  mov eax, [gs:percpu.cpu_id]
  mov ebx, eax
  imul rbx, rbx, MECH_STRIDE
  add rbx, mech_blocks                  ; RBX = this CPU's mech block for the rest of cpu_main
  mov [gs:percpu.mech], rbx
  mov [rbx + mech.cpu], eax
  call mem_init_cpu
  call matrix_init_cpu
  ; The boot context becomes the idle thread: it needs a tcb for context_switch to save it in.
  mov edi, thread_size
  call obj_alloc
  test rax, rax
  jz .no_memory
  mov qword [rax + thread.stack], 0
  mov qword [rax + thread.waiting], 0
  mov dword [rax + thread.flags], THREAD_DETACHED
  mov dword [rax + thread.state], THREAD_RUNNING
  mov ecx, [rbx + mech.cpu]
  mov [rax + thread.cpu], ecx
  mov [rbx + mech.idle_thread], rax
  mov [rbx + mech.current], rax
%ifdef SERVICE
  ; Every AP takes its private copy of the service's data now, last (its scheduler and rings have their
  ; memory first), while the data is still pristine: CPU 0 starts the service only after it has seen
  ; every cpu_ready line (isolate.asm).
  cmp dword [rbx + mech.cpu], 0
  je .shared_data
  call isolate_init
.shared_data:
%endif
  mov eax, [rbx + mech.cpu]
  cmp qword [matrix_inbox + rax * 8], 0
  je .no_memory
  shl eax, 6
  mov byte [cpu_ready + rax], 1         ; publish: everything above is visible before this store
  cmp dword [rbx + mech.cpu], 0
%ifdef SERVICE
  jne .ap_service
%else
  jne sched_idle
%endif

  ; BSP: every AP is online and running cpu_main; wait until each has published its mechanisms.
  ; A short bounded wait at boot (each AP has only its own set-up left to do), so a spin is fine here.
  xor ecx, ecx
.wait:
  cmp ecx, [ncpus]
  jae .all_ready
  mov eax, ecx
  shl eax, 6
  cmp byte [cpu_ready + rax], 0
  jne .ready
  pause
  jmp .wait
.ready:
  inc ecx
  jmp .wait
.all_ready:
%ifdef SERVICE
  call isolate_check                    ; every AP has its own copy of the service's data, or the boot stops
%endif
  mov rdi, service_main
  xor esi, esi
  mov edx, THREAD_DETACHED
  call thread_create
  test rax, rax
  jz .no_memory
  jmp sched_idle

.no_memory:
  mov rdi, msg_mech_no_memory
  call print_str
  mov edi, [rbx + mech.cpu]
  call print_dec
  call print_newline
  mov edi, EXIT_NO_MEMORY
  jmp power_off

%ifdef SERVICE
; An AP with its own copy of the service's data (isolate.asm) runs the service's runtime as well: its
; module's top-level code in its isolate, then the messages other CPUs send it (os-toro.asm
; toro_service_ap). Without a copy it runs nothing of the service (CPU 0 stops the boot: isolate_check).
.ap_service:
  mov eax, [rbx + mech.cpu]
  cmp qword [isolate_errors + rax * 8], 0
  jne sched_idle
  mov rdi, toro_service_ap
  xor esi, esi
  mov edx, THREAD_DETACHED
  call thread_create
  test rax, rax
  jz .no_memory
  jmp sched_idle
%endif

; service_main — the service's main thread, on the BSP. With -DSERVICE: the compiled service's entry
; (toro_service_main in the runtime's os-toro.asm, System V, never returns). Otherwise the self-test
; (SELFTEST builds, when the command line names one) or the banner kernel's power-off with the command
; line's exit code.
%ifdef SERVICE
extern toro_service_main, toro_service_ap
service_main:
  jmp toro_service_main
%else
service_main:
%ifdef SELFTEST
  mov rdi, key_selftest
  call cmdline_value
  test rax, rax
  jnz selftest_main                     ; without selftest=<name> the image behaves as the plain kernel
%endif
  call cmdline_exit_code
  mov edi, eax
  jmp power_off
%endif

section .rodata
msg_mech_no_memory: db "toro: error: no memory for the scheduler and matrix on cpu ", 0
