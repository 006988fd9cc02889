; st_bench.asm — self-test "bench": measurements for bench/kernel.bench.ts, in TSC ticks (under QEMU's
; -icount shift=0 the TSC counts virtual nanoseconds, one per guest instruction, so the same lines then
; give instruction counts). Every line is a measurement, not a check; the verdict is pass if all ran.
;
;   toro: result bench calib iterations=<n> cycles=<t>       a `dec; jnz` loop: 2 instructions per iteration
;   toro: result bench switch switches=<n> cycles=<t>        two threads of CPU 0 yielding to each other
;   toro: result bench rtt cpu=<j> round_trips=<n> cycles=<t>  CPU 0 -> j -> CPU 0, user messages
;   toro: result bench oneway cpu=<j> messages=<n> cycles=<t>  CPU 0 -> j until j has received them all
;   toro: result bench alloc mode=one|all cpu=<i> ops=<n> obj_cycles=<t> page_cycles=<u>
;                                                            obj_alloc(64)+obj_free and page_alloc_order(0)+
;                                                            page_free_order pairs: CPU 0 alone, then every
;                                                            CPU at once
; `count=<n>` scales every loop (default: the ST_BENCH_* values below).
; Calling convention: System V (kernel.asm).

ST_BENCH_CALIB  equ 1000000
ST_BENCH_SWITCH equ 100000
ST_BENCH_RTT    equ 2000
ST_BENCH_ONEWAY equ 100000
ST_BENCH_ALLOC  equ 200000
ST_MSG_END_ECHO equ 0xE0F

section .text
bits 64

st_bench:
  push rbx
  push r12
  push r13
  push r14
  push r15
  sub rsp, message_size
  ; --- calibration loop
  call st_rdtsc
  mov rbx, rax
  mov ecx, ST_BENCH_CALIB
.calib:
  dec ecx
  jnz .calib
  call st_rdtsc
  sub rax, rbx
  mov rbx, rax
  mov rdi, name_calib
  call st_bench_line
  mov rdi, key_iterations
  mov esi, ST_BENCH_CALIB
  call st_kv
  mov rdi, key_cycles
  mov rsi, rbx
  call st_kv
  call print_newline

  ; --- context switches
  mov edi, ST_BENCH_SWITCH
  call st_count
  mov r12, rax
  mov r8, [gs:percpu.mech]
  mov r13, [r8 + mech.switches]
  call st_rdtsc
  mov rbx, rax
  mov rdi, st_bench_yielder
  mov rsi, r12
  xor edx, edx
  call thread_create
  mov r14, rax
  mov rdi, st_bench_yielder
  mov rsi, r12
  xor edx, edx
  call thread_create
  mov r15, rax
  mov rdi, r14
  call thread_join
  mov rdi, r15
  call thread_join
  call st_rdtsc
  sub rax, rbx
  mov rbx, rax
  mov r8, [gs:percpu.mech]
  mov r14, [r8 + mech.switches]
  sub r14, r13
  mov rdi, name_switch
  call st_bench_line
  mov rdi, key_switches
  mov rsi, r14
  call st_kv
  mov rdi, key_cycles
  mov rsi, rbx
  call st_kv
  call print_newline

  ; --- round trips and one-way throughput, CPU 0 with every other CPU
  mov r15d, 1
.pair:
  cmp r15d, [ncpus]
  jae .pairs_done
  mov edi, ST_BENCH_RTT
  call st_count
  shr rax, 5                            ; round trips wait on wake-ups: fewer of them
  jnz .rtt_count
  mov eax, 1
.rtt_count:
  mov r12, rax
  mov edi, r15d
  mov rsi, st_bench_echo
  xor edx, edx
  call thread_create_on
  call st_rdtsc
  mov rbx, rax
  xor r13d, r13d
.rtt:
  cmp r13, r12
  jae .rtt_done
  mov edi, r15d
  mov esi, 1
  mov rdx, r13
  xor ecx, ecx
  xor r8d, r8d
  call msg_send
  mov rdi, rsp
  call msg_recv
  inc r13
  jmp .rtt
.rtt_done:
  call st_rdtsc
  sub rax, rbx
  mov rbx, rax
  mov edi, r15d
  mov esi, ST_MSG_END_ECHO
  xor edx, edx
  xor ecx, ecx
  xor r8d, r8d
  call msg_send
  mov edi, 1
  call st_wait                          ; the echo thread has exited: the sink below gets every message
  mov rdi, name_rtt
  call st_bench_line
  mov rdi, key_cpu
  mov esi, r15d
  call st_kv
  mov rdi, key_round_trips
  mov rsi, r12
  call st_kv
  mov rdi, key_cycles
  mov rsi, rbx
  call st_kv
  call print_newline

  mov edi, ST_BENCH_ONEWAY
  call st_count
  mov r12, rax
  mov [st_param], rax
  mov edi, r15d
  mov rsi, st_bench_sink
  xor edx, edx
  call thread_create_on
  call st_rdtsc
  mov rbx, rax
  xor r13d, r13d
.send:
  cmp r13, r12
  jae .sent
  mov edi, r15d
  mov esi, 2
  mov rdx, r13
  xor ecx, ecx
  xor r8d, r8d
  call msg_send
  inc r13
  jmp .send
.sent:
  mov edi, 1
  call st_wait
  call st_rdtsc
  sub rax, rbx
  mov rbx, rax
  mov rdi, name_oneway
  call st_bench_line
  mov rdi, key_cpu
  mov esi, r15d
  call st_kv
  mov rdi, key_messages
  mov rsi, r12
  call st_kv
  mov rdi, key_cycles
  mov rsi, rbx
  call st_kv
  call print_newline
  inc r15d
  jmp .pair
.pairs_done:

  ; --- allocation rate: CPU 0 alone, then every CPU at once
  mov edi, ST_BENCH_ALLOC
  call st_count
  mov [st_param], rax
  xor edi, edi
  mov rsi, st_bench_alloc
  xor edx, edx
  call thread_create_on
  mov edi, 1
  call st_wait
  mov rdi, mode_one
  mov esi, 1
  call st_bench_alloc_lines
  mov rdi, st_bench_alloc
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  call st_wait
  mov rdi, mode_all
  mov esi, [ncpus]
  call st_bench_alloc_lines

  add rsp, message_size
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  xor eax, eax                          ; ST_PASS: everything ran
  ret

; st_bench_line — prints "toro: result bench <RDI>". Clobbers caller-saved.
st_bench_line:
  push rdi
  call st_result_prefix
  call print_space
  pop rdi
  jmp print_str

; st_bench_alloc_lines — one "alloc mode=<RDI>" line for each of the first ESI CPUs' slots.
st_bench_alloc_lines:
  push rbx
  push r12
  push r13
  mov r12, rdi
  mov r13d, esi
  xor ebx, ebx
.cpu:
  cmp ebx, r13d
  jae .done
  mov rdi, name_bench_alloc
  call st_bench_line
  mov rdi, key_mode
  call print_str
  mov rdi, r12
  call print_str
  mov rdi, key_cpu
  mov esi, ebx
  call st_kv
  mov rdi, key_ops
  mov rsi, [st_param]
  call st_kv
  imul eax, ebx, ST_SLOT
  mov rdi, key_obj_cycles
  mov rsi, [st_slots + rax]
  call st_kv
  imul eax, ebx, ST_SLOT
  mov rdi, key_page_cycles
  mov rsi, [st_slots + rax + 8]
  call st_kv
  call print_newline
  inc ebx
  jmp .cpu
.done:
  pop r13
  pop r12
  pop rbx
  ret

st_bench_yielder:                       ; RDI = yields
  push rbx
  mov rbx, rdi
.again:
  call thread_yield
  dec rbx
  jnz .again
  pop rbx
  xor eax, eax
  ret

st_bench_echo:                          ; sends every message back to its source until ST_MSG_END_ECHO, then signals
  push rbx
  sub rsp, message_size
.again:
  mov rdi, rsp
  call msg_recv
  cmp qword [rsp + message.type], ST_MSG_END_ECHO
  je .done
  mov edi, eax
  mov rsi, [rsp + message.type]
  mov rdx, [rsp + message.a]
  xor ecx, ecx
  xor r8d, r8d
  call msg_send
  jmp .again
.done:
  add rsp, message_size
  pop rbx
  jmp st_signal

st_bench_sink:                          ; receives [st_param] messages, then signals
  push rbx
  sub rsp, message_size
  mov rbx, [st_param]
.again:
  mov rdi, rsp
  call msg_recv
  dec rbx
  jnz .again
  add rsp, message_size
  pop rbx
  jmp st_signal

st_bench_alloc:                         ; [st_param] object pairs, then as many page pairs
  push rbx
  push r12
  push r13
  call st_slot
  mov r13, rax
  call st_rdtsc
  mov r12, rax
  mov rbx, [st_param]
.objects:
  mov edi, 64
  call obj_alloc
  mov rdi, rax
  call obj_free
  dec rbx
  jnz .objects
  call st_rdtsc
  sub rax, r12
  mov [r13], rax
  call st_rdtsc
  mov r12, rax
  mov rbx, [st_param]
.pages:
  xor edi, edi
  call page_alloc_order
  mov rdi, rax
  xor esi, esi
  call page_free_order
  dec rbx
  jnz .pages
  call st_rdtsc
  sub rax, r12
  mov [r13 + 8], rax
  pop r13
  pop r12
  pop rbx
  jmp st_signal

section .rodata
name_calib:      db "calib", 0
name_switch:     db "switch", 0
name_rtt:        db "rtt", 0
name_oneway:     db "oneway", 0
name_bench_alloc: db "alloc", 0
mode_one:        db "one", 0
mode_all:        db "all", 0
key_iterations:  db " iterations=", 0
key_cycles:      db " cycles=", 0
key_switches:    db " switches=", 0
key_round_trips: db " round_trips=", 0
key_messages:    db " messages=", 0
key_mode:        db " mode=", 0
key_ops:         db " ops=", 0
key_obj_cycles:  db " obj_cycles=", 0
key_page_cycles: db " page_cycles=", 0
