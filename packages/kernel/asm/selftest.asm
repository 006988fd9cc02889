; selftest.asm — the self-test image's main thread (assembled only with -DSELFTEST): runs the test named
; by `selftest=<name>` on the kernel command line, prints machine-parseable lines, and powers off with 0
; (pass) or 1 (fail). packages/kernel/test/*.test.ts boot it and check the lines; the format is:
;
;   toro: selftest <name> start cpus=<n> nodes=<m>
;   toro: result <name> <key>=<value> ...        any number, values decimal or 0x-hex
;   toro: selftest <name> pass                   or: toro: selftest <name> fail
;   toro: exit 0|1
;
; Tests (one file each): sched (st_sched.asm), alloc (st_alloc.asm), matrix (st_matrix.asm), threads
; (st_threads.asm), mem (st_mem.asm), bench (st_bench.asm), abi and panic (st_abi.asm). `count=<n>`
; scales the stress tests.
;
; Calling convention: System V (kernel.asm). The main thread runs on CPU 0; helpers start worker threads
; on every CPU and wait for them with st_wait (block/wake: no spinning). Results come back in st_slots:
; one 256-byte slot per CPU, written only by threads of that CPU and read by the main thread after the
; writer signalled completion (its stores are visible before its wake-up message, x86 stores being seen
; in order) — the same publication rule as the matrix.

ST_SLOT      equ 256                    ; bytes of st_slots per CPU
ST_PASS      equ 0
ST_FAIL      equ 1
ST_SNAP        equ 40                   ; st_before/st_after entry per CPU:
ST_SNAP_FREE   equ 0                    ;   free bytes
ST_SNAP_STACKS equ 8                    ;   stacks held (in use or cached)
ST_SNAP_CACHED equ 16                   ;   stacks in the cache
ST_SNAP_LIVE   equ 24                   ;   live threads (the snapshot thread among them)
ST_SNAP_WINDOW equ 32                   ;   bytes the stack window holds (stack_window.asm)

section .text
bits 64

selftest_main:
  push rbx
  call thread_self
  mov [st_main_thread], rax
  xor ebx, ebx
.find:                                  ; RBX = index into st_table
  mov rsi, [st_table + rbx * 8]
  test rsi, rsi
  jz .unknown
  mov rdi, key_selftest
  call cmdline_is
  test eax, eax
  jnz .run
  add ebx, 2
  jmp .find
.run:
  mov rax, [st_table + rbx * 8]
  mov [st_name], rax
  mov rdi, msg_st_prefix
  call print_str
  mov rdi, [st_name]
  call print_str
  mov rdi, msg_st_start
  call print_str
  mov edi, [ncpus]
  call print_dec
  mov rdi, msg_st_nodes
  call print_str
  mov edi, [nnodes]
  call print_dec
  call print_newline
  call [st_table + rbx * 8 + 8]         ; EAX = ST_PASS or ST_FAIL
  mov ebx, eax
  mov rdi, msg_st_prefix
  call print_str
  mov rdi, [st_name]
  call print_str
  mov rdi, msg_st_pass
  test ebx, ebx
  jz .verdict
  mov rdi, msg_st_fail
.verdict:
  call print_str
  mov edi, ebx
  jmp power_off
.unknown:
  mov rdi, msg_st_unknown
  call print_str
  mov edi, ST_FAIL
  jmp power_off

; ---- helpers for the tests --------------------------------------------------------------------------

; st_count — RAX = `count=<n>` from the command line, or RDI when absent.
st_count:
  push rdi
  mov rdi, key_count
  call cmdline_number
  pop rdi
  test edx, edx
  jnz .done
  mov rax, rdi
.done:
  ret

; st_on_every_cpu — starts a detached thread running RDI(RSI) on every CPU. Clobbers caller-saved.
st_on_every_cpu:
  push rbx
  push r12
  push r13
  mov r12, rdi
  mov r13, rsi
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .done
  mov edi, ebx
  mov rsi, r12
  mov rdx, r13
  call thread_create_on
  inc ebx
  jmp .cpu
.done:
  pop r13
  pop r12
  pop rbx
  ret

; st_signal — called by a worker when it has finished: counts it on its CPU's line and wakes the main
; thread (through the matrix when on another CPU). Clobbers caller-saved.
st_signal:
  mov eax, [gs:percpu.cpu_id]
  shl eax, 6
  inc qword [st_done + rax]             ; only this CPU's threads write this line
  mov rdi, [st_main_thread]
  jmp thread_wake

; st_wait — the main thread blocks until EDI more workers have called st_signal since the last st_wait.
; Clobbers caller-saved.
st_wait:
  push rbx
  mov ebx, edi
  add rbx, [st_waited]
  mov [st_waited], rbx
.check:
  xor eax, eax
  xor ecx, ecx
.sum:
  cmp ecx, [ncpus]
  jae .summed
  mov edx, ecx
  shl edx, 6
  add rax, [st_done + rdx]
  inc ecx
  jmp .sum
.summed:
  cmp rax, rbx
  jae .done
  call thread_block
  jmp .check
.done:
  pop rbx
  ret

; st_slot — RAX = this CPU's result slot.
st_slot:
  mov eax, [gs:percpu.cpu_id]
  imul eax, eax, ST_SLOT
  add rax, st_slots
  ret

; st_snapshot — fills st_before (RDI = 0) or st_after (RDI = 1) with every CPU's free bytes, stacks held,
; stacks cached and live threads, each read on that CPU by a thread started there (so the CPU has drained
; what other CPUs sent it before the thread is created). Clobbers caller-saved.
st_snapshot:
  mov rsi, rdi
  mov rdi, st_snapshot_worker
  call st_on_every_cpu
  mov edi, [ncpus]
  jmp st_wait

st_snapshot_worker:                     ; RDI = 0 before, 1 after
  mov r8, [gs:percpu.mech]
  mov eax, [gs:percpu.cpu_id]
  imul rdi, rdi, MAX_CPUS * ST_SNAP     ; st_after follows st_before
  imul eax, eax, ST_SNAP
  add rdi, rax
  mov rax, [r8 + mech.free_bytes]
  mov [st_before + rdi + ST_SNAP_FREE], rax
  mov rax, [r8 + mech.stacks_total]
  mov [st_before + rdi + ST_SNAP_STACKS], rax
  mov rax, [r8 + mech.stacks_cached]
  mov [st_before + rdi + ST_SNAP_CACHED], rax
  mov rax, [r8 + mech.threads_live]
  mov [st_before + rdi + ST_SNAP_LIVE], rax
  mov rax, [r8 + mech.sw_bytes]
  mov [st_before + rdi + ST_SNAP_WINDOW], rax
  jmp st_signal

; st_check_memory — prints, per CPU,
;   toro: result <test> cpu=<i> free_before=<a> free_after=<b> new_stacks=<s> stacks=<t> cached=<c> live=<l>
;     window_grew=<w>
; and returns EAX = ST_PASS when on every CPU the free bytes are back to their value in st_before once
; the change in what the stack window holds is counted (a = b + the window's growth: up to
; STACK_CACHE_MAX exited threads' stacks stay in the CPU's stack cache with the pages they touched, see
; sched.asm, and the window keeps its page tables), and every stack is either cached or used by a live
; thread (t - c = l).
st_check_memory:
  push rbx
  push r12
  push r13
  xor ebx, ebx
  xor r12d, r12d                        ; verdict
.cpu:
  cmp ebx, [ncpus]
  jae .done
  imul r13d, ebx, ST_SNAP               ; R13 = offset of this CPU's snapshots
  mov edi, ebx
  call st_result_cpu
  mov rdi, key_free_before
  mov rsi, [st_before + r13 + ST_SNAP_FREE]
  call st_kv
  mov rdi, key_free_after
  mov rsi, [st_after + r13 + ST_SNAP_FREE]
  call st_kv
  mov rdi, key_new_stacks
  mov rsi, [st_after + r13 + ST_SNAP_STACKS]
  sub rsi, [st_before + r13 + ST_SNAP_STACKS]
  call st_kv
  mov rdi, key_stacks
  mov rsi, [st_after + r13 + ST_SNAP_STACKS]
  call st_kv
  mov rdi, key_cached
  mov rsi, [st_after + r13 + ST_SNAP_CACHED]
  call st_kv
  mov rdi, key_live
  mov rsi, [st_after + r13 + ST_SNAP_LIVE]
  call st_kv
  mov rdi, key_window_grew
  mov rsi, [st_after + r13 + ST_SNAP_WINDOW]
  sub rsi, [st_before + r13 + ST_SNAP_WINDOW]
  call st_kv
  call print_newline
  mov rax, [st_after + r13 + ST_SNAP_WINDOW]
  sub rax, [st_before + r13 + ST_SNAP_WINDOW]
  add rax, [st_after + r13 + ST_SNAP_FREE]
  cmp rax, [st_before + r13 + ST_SNAP_FREE]
  jne .bad
  mov rax, [st_after + r13 + ST_SNAP_STACKS]
  sub rax, [st_after + r13 + ST_SNAP_CACHED]
  cmp rax, [st_after + r13 + ST_SNAP_LIVE]
  je .next
.bad:
  mov r12d, ST_FAIL
.next:
  inc ebx
  jmp .cpu
.done:
  mov eax, r12d
  pop r13
  pop r12
  pop rbx
  ret

; st_result_prefix — prints "toro: result <test>". Clobbers caller-saved.
st_result_prefix:
  mov rdi, msg_st_result
  call print_str
  mov rdi, [st_name]
  jmp print_str

; st_result_cpu — prints "toro: result <test> cpu=<RDI>", the start of a per-CPU result line. Clobbers
; caller-saved.
st_result_cpu:
  push rdi
  call st_result_prefix
  mov rdi, key_cpu
  pop rsi
  jmp st_kv

; st_kv — prints " <key>=<RSI in decimal>" (RDI = " key=" string). Clobbers caller-saved.
st_kv:
  push rsi
  call print_str
  pop rdi
  jmp print_dec

; st_kv_hex — the same with the value as 0x + 16 hex digits.
st_kv_hex:
  push rsi
  call print_str
  pop rdi
  jmp print_hex64

; st_rdtsc — RAX = the time-stamp counter. Clobbers RDX.
st_rdtsc:
  rdtsc
  shl rdx, 32
  or rax, rdx
  ret

section .rodata
align 8
st_table:                               ; name, routine; 0 ends it
  dq name_sched, st_sched
  dq name_idle, st_idle
  dq name_alloc, st_alloc
  dq name_coalesce, st_coalesce
  dq name_matrix, st_matrix
  dq name_threads, st_threads
  dq name_mem, st_mem
  dq name_borrow, st_borrow
  dq name_bench, st_bench
  dq name_abi, st_abi
  dq name_panic, st_panic
  dq name_overflow, st_overflow
  dq 0, 0
name_sched:      db "sched", 0
name_idle:       db "idle", 0
name_alloc:      db "alloc", 0
name_coalesce:   db "coalesce", 0
name_matrix:     db "matrix", 0
name_threads:    db "threads", 0
name_mem:        db "mem", 0
name_borrow:     db "borrow", 0
name_bench:      db "bench", 0
name_abi:        db "abi", 0
name_panic:      db "panic", 0
name_overflow:   db "overflow", 0
key_selftest:    db "selftest", 0
key_count:       db "count", 0
key_cpu:         db " cpu=", 0
key_free_before: db " free_before=", 0
key_free_after:  db " free_after=", 0
key_stacks:      db " stacks=", 0
key_new_stacks:  db " new_stacks=", 0
key_cached:      db " cached=", 0
key_live:        db " live=", 0
key_window_grew: db " window_grew=", 0
msg_st_prefix:   db "toro: selftest ", 0
msg_st_start:    db " start cpus=", 0
msg_st_nodes:    db " nodes=", 0
msg_st_pass:     db " pass", 13, 10, 0
msg_st_fail:     db " fail", 13, 10, 0
msg_st_result:   db "toro: result ", 0
msg_st_unknown:  db "toro: selftest error: unknown or missing selftest=<name>", 13, 10, 0

section .data
align 8
st_main_thread: dq 0
st_name:        dq 0
st_waited:      dq 0                    ; st_signal calls the main thread has waited for so far

section .bss
alignb 64
st_done:   resb CPU_LINE * MAX_CPUS     ; line i: workers finished on CPU i
st_slots:  resb ST_SLOT * MAX_CPUS
st_before: resb ST_SNAP * MAX_CPUS
st_after:  resb ST_SNAP * MAX_CPUS

%include "st_sched.asm"
%include "st_alloc.asm"
%include "st_coalesce.asm"
%include "st_matrix.asm"
%include "st_threads.asm"
%include "st_mem.asm"
%include "st_bench.asm"
%include "st_abi.asm"
