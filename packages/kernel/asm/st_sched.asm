; st_sched.asm — self-test "sched": the scheduler's behaviour, one check per result key.
;
;   yield=<s>        three threads append their letter and yield, three times each: FIFO gives ABCABCABC
;   join=<v>         thread_join returns the exit value (a thread given 20 returns 41)
;   block=<a><b>     a thread blocks (flag 1) and runs on after thread_wake (flag 2): "12"
;   remote_wake=<n>  CPUs whose blocked thread was woken by CPU 0 through the matrix (all but CPU 0)
;   sleep_ns=<n>     measured length of thread_sleep(2 ms) by clock_ns: at least 2000000
;   sleep_order=<s>  threads sleeping 3, 1 and 2 ms wake in deadline order: "bca"
;   cpus_seen=<n>    thread_create_on every CPU: each thread saw its own cpu_id
; Calling convention: System V (kernel.asm); runs as the self-test's main thread on CPU 0.

ST_SLEEP_NS equ 2000000

section .text
bits 64

st_sched:
  push rbx
  push r12
  push r13
  xor r13d, r13d                        ; verdict
  ; --- yield order
  mov qword [st_text_len], 0
  mov edi, 'A'
  call .spawn_letter
  mov r12, rax
  mov edi, 'B'
  call .spawn_letter
  mov rbx, rax
  mov edi, 'C'
  call .spawn_letter
  push rax
  mov rdi, r12
  call thread_join
  mov rdi, rbx
  call thread_join
  pop rdi
  call thread_join
  mov rax, [st_text_len]
  mov byte [st_text + rax], 0
  call st_result_prefix
  mov rdi, key_yield
  call print_str
  mov rdi, st_text
  call print_str
  mov rdi, st_text
  mov rsi, expect_yield
  call st_streq
  or r13d, eax

  ; --- join value
  mov rdi, st_sched_double
  mov esi, 20
  xor edx, edx
  call thread_create
  mov rdi, rax
  call thread_join
  mov rbx, rax
  mov rdi, key_join
  mov rsi, rax
  call st_kv
  cmp rbx, 41
  je .join_ok
  mov r13d, ST_FAIL
.join_ok:

  ; --- block / wake on this CPU
  mov qword [st_text_len], 0
  mov rdi, st_sched_blocker
  xor esi, esi
  xor edx, edx
  call thread_create
  mov rbx, rax
  call thread_yield                     ; the blocker runs, records 1, blocks
  mov rdi, rbx
  call thread_wake
  mov rdi, rbx
  call thread_join                      ; records 2 and exits
  mov rax, [st_text_len]
  mov byte [st_text + rax], 0
  mov rdi, key_block
  call print_str
  mov rdi, st_text
  call print_str
  mov rdi, st_text
  mov rsi, expect_block
  call st_streq
  or r13d, eax

  ; --- remote wake: a thread on every other CPU blocks; this CPU wakes it through the matrix
  mov r12d, 1
.remote:
  cmp r12d, [ncpus]
  jae .remote_done
  mov edi, r12d
  mov rsi, st_sched_remote_blocker
  xor edx, edx
  call thread_create_on
  mov edi, 1
  call st_wait                          ; it published its handle and is about to block
  imul eax, r12d, ST_SLOT
  mov rdi, [st_slots + rax]
  call thread_wake
  mov edi, 1
  call st_wait                          ; it ran again after the wake
  inc r12d
  jmp .remote
.remote_done:
  mov rdi, key_remote_wake
  lea esi, [r12d - 1]
  call st_kv

  ; --- sleep length
  call clock_ns
  mov rbx, rax
  mov edi, ST_SLEEP_NS
  call thread_sleep
  call clock_ns
  sub rax, rbx
  mov rbx, rax
  mov rdi, key_sleep_ns
  mov rsi, rax
  call st_kv
  cmp rbx, ST_SLEEP_NS
  jae .sleep_ok
  mov r13d, ST_FAIL
.sleep_ok:

  ; --- sleep order: 'a' sleeps 3 ms, 'b' 1 ms, 'c' 2 ms; created in that order
  mov qword [st_text_len], 0
  mov edi, 'a' | (3 << 8)
  call .spawn_sleeper
  mov r12, rax
  mov edi, 'b' | (1 << 8)
  call .spawn_sleeper
  mov rbx, rax
  mov edi, 'c' | (2 << 8)
  call .spawn_sleeper
  push rax
  mov rdi, r12
  call thread_join
  mov rdi, rbx
  call thread_join
  pop rdi
  call thread_join
  mov rax, [st_text_len]
  mov byte [st_text + rax], 0
  mov rdi, key_sleep_order
  call print_str
  mov rdi, st_text
  call print_str
  mov rdi, st_text
  mov rsi, expect_sleep_order
  call st_streq
  or r13d, eax

  ; --- creation on every CPU: each thread writes cpu_id + 1 into its own CPU's slot
  xor ecx, ecx
.clear:
  cmp ecx, [ncpus]
  jae .cleared
  imul eax, ecx, ST_SLOT
  mov qword [st_slots + rax + 8], 0     ; fine to write: no thread of that CPU uses its slot now
  inc ecx
  jmp .clear
.cleared:
  mov rdi, st_sched_whoami
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  call st_wait
  xor ebx, ebx
  xor ecx, ecx
.seen:
  cmp ecx, [ncpus]
  jae .seen_done
  imul eax, ecx, ST_SLOT
  lea edx, [ecx + 1]
  cmp [st_slots + rax + 8], rdx
  jne .seen_next
  inc ebx
.seen_next:
  inc ecx
  jmp .seen
.seen_done:
  mov rdi, key_cpus_seen
  mov esi, ebx
  call st_kv
  call print_newline
  cmp ebx, [ncpus]
  je .verdict
  mov r13d, ST_FAIL
.verdict:
  mov eax, r13d
  pop r13
  pop r12
  pop rbx
  ret

; .spawn_letter / .spawn_sleeper — joinable thread running st_sched_letter / st_sched_sleeper(EDI).
.spawn_letter:
  mov esi, edi
  mov rdi, st_sched_letter
  xor edx, edx
  jmp thread_create
.spawn_sleeper:
  mov esi, edi
  mov rdi, st_sched_sleeper
  xor edx, edx
  jmp thread_create

st_sched_letter:                        ; RDI = letter: append it and yield, three times
  push rbx
  push r12
  mov rbx, rdi
  mov r12d, 3
.again:
  mov rdi, rbx
  call st_append
  call thread_yield
  dec r12d
  jnz .again
  pop r12
  pop rbx
  xor eax, eax
  ret

st_sched_double:                        ; returns 2 * RDI + 1
  lea rax, [rdi * 2 + 1]
  ret

st_sched_blocker:
  mov edi, '1'
  call st_append
  call thread_block
  mov edi, '2'
  call st_append
  xor eax, eax
  ret

st_sched_remote_blocker:                ; publishes its handle in its CPU's slot, blocks, then signals
  call thread_self
  push rax
  call st_slot
  pop rcx
  mov [rax], rcx
  call st_signal
  call thread_block
  jmp st_signal

st_sched_sleeper:                       ; DIL = letter, bits 8 and up = milliseconds
  push rbx
  mov rbx, rdi
  shr rdi, 8
  imul rdi, rdi, 1000000
  call thread_sleep
  movzx edi, bl
  call st_append
  pop rbx
  xor eax, eax
  ret

st_sched_whoami:
  call st_slot
  mov ecx, [gs:percpu.cpu_id]
  inc ecx
  mov [rax + 8], rcx
  jmp st_signal

; st_append — appends byte DIL to st_text (threads of CPU 0 only).
st_append:
  mov rax, [st_text_len]
  mov [st_text + rax], dil
  inc rax
  mov [st_text_len], rax
  ret

; st_streq — EAX = ST_PASS when the NUL-terminated strings RDI and RSI are equal, else ST_FAIL.
st_streq:
  movzx eax, byte [rdi]
  cmp al, [rsi]
  jne .differ
  inc rdi
  inc rsi
  test eax, eax
  jnz st_streq
  ret                                   ; EAX = 0 = ST_PASS
.differ:
  mov eax, ST_FAIL
  ret

; st_idle — self-test "idle": prints "toro: result idle phase=start", sleeps `count` ms (default 1000)
; with every other CPU idle, then "toro: result idle phase=end slept_ns=<n>". Between the two lines no
; CPU has anything to do: all must sit in hlt (the test reads QEMU's CPU time on the host).
ST_IDLE_MS equ 1000

st_idle:
  push rbx
  mov edi, ST_IDLE_MS
  call st_count
  imul rbx, rax, 1000000
  call st_result_prefix
  mov rdi, key_phase_start
  call print_str
  call clock_ns
  push rax
  mov rdi, rbx
  call thread_sleep
  call clock_ns
  pop rbx
  sub rax, rbx
  push rax
  call st_result_prefix
  mov rdi, key_phase_end
  call print_str
  pop rsi
  mov rdi, key_slept_ns
  call st_kv
  call print_newline
  xor eax, eax
  pop rbx
  ret

section .rodata
key_yield:          db " yield=", 0
key_join:           db " join=", 0
key_block:          db " block=", 0
key_remote_wake:    db " remote_wake=", 0
key_sleep_ns:       db " sleep_ns=", 0
key_sleep_order:    db " sleep_order=", 0
key_cpus_seen:      db " cpus_seen=", 0
key_phase_start:    db " phase=start", 13, 10, 0
key_phase_end:      db " phase=end", 0
key_slept_ns:       db " slept_ns=", 0
expect_yield:       db "ABCABCABC", 0
expect_block:       db "12", 0
expect_sleep_order: db "bca", 0

section .bss
alignb 8
st_text_len: resq 1
st_text:     resb 64
