; st_threads.asm — self-test "threads": thread churn. `count` threads in all (default 100000) are
; created and exit: on every CPU a driver asks each CPU in turn, itself included, to create a thread
; (through the matrix for other CPUs; a full ring makes it yield), yielding every ST_CHURN_BATCH
; creations so the children run. Each child counts itself on its CPU's slot and exits.
;
;   toro: result threads cpu=<i> free_before=... (st_check_memory)
;   toro: result threads cpu=<i> exited=<n> created=<m> create_errors=<e>
;   toro: result threads total=<count> exited=<sum>
; Pass: every child ran and exited, no create failed, every CPU's memory is back (counting the stacks the
; churn added to the stack caches) and every stack is cached again.
; Calling convention: System V (kernel.asm).

ST_CHURN_DEFAULT equ 100000
ST_CHURN_BATCH   equ 32
ST_CHURN_POLL_NS equ 1000000            ; the main thread's sleep between looks at the exit counters

; slot words: 0 create errors, 3 children exited on this CPU

section .text
bits 64

st_threads:
  push rbx
  push r12
  push r13
  mov edi, ST_CHURN_DEFAULT
  call st_count
  xor edx, edx
  mov ecx, [ncpus]
  div rcx
  mov [st_param], rax                   ; creations per driver
  imul rax, rcx
  mov [st_expected], rax
  xor edi, edi
  call st_snapshot
  mov rdi, st_threads_driver
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  call st_wait
.wait_children:                         ; children do not signal: poll their counters, sleeping
  call .exited
  cmp rax, [st_expected]
  jae .all_exited
  mov edi, ST_CHURN_POLL_NS
  call thread_sleep
  jmp .wait_children
.all_exited:
  mov r13, rax
  mov edi, 1
  call st_snapshot
  call st_check_memory
  mov r12d, eax
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .summary
  mov edi, ebx
  call st_result_cpu
  imul eax, ebx, ST_SLOT
  mov rdi, key_exited
  mov rsi, [st_slots + rax + 24]
  call st_kv
  mov edi, ebx
  mov rsi, st_stats
  call mem_stats
  mov rdi, key_created
  mov rsi, [st_stats + (mech.threads_made - MECH_STATS)]
  call st_kv
  imul eax, ebx, ST_SLOT
  mov rdi, key_create_errors
  mov rsi, [st_slots + rax]
  add rsi, [st_stats + (mech.create_fail - MECH_STATS)]
  jz .no_errors
  mov r12d, ST_FAIL
.no_errors:
  call st_kv
  call print_newline
  inc ebx
  jmp .cpu
.summary:
  call st_result_prefix
  mov rdi, key_total
  mov rsi, [st_expected]
  call st_kv
  mov rdi, key_exited
  mov rsi, r13
  call st_kv
  call print_newline
  cmp r13, [st_expected]
  je .out
  mov r12d, ST_FAIL
.out:
  mov eax, r12d
  pop r13
  pop r12
  pop rbx
  ret

.exited:                                ; RAX = children exited on all CPUs (snapshot reads)
  xor eax, eax
  xor ecx, ecx
.sum:
  cmp ecx, [ncpus]
  jae .summed
  imul edx, ecx, ST_SLOT
  add rax, [st_slots + rdx + 24]
  inc ecx
  jmp .sum
.summed:
  ret

st_threads_driver:
  push rbx
  push r12
  push r13
  mov r13d, [gs:percpu.cpu_id]
  xor ebx, ebx
.create:
  cmp rbx, [st_param]
  jae .done
  mov eax, r13d
  add rax, rbx
  xor edx, edx
  mov ecx, [ncpus]
  div rcx
  mov edi, edx                          ; target = (me + k) mod ncpus
  mov rsi, st_threads_child
  xor edx, edx
  call thread_create_on
  test eax, eax
  jz .created
  call st_slot
  inc qword [rax]
.created:
  inc rbx
  test ebx, ST_CHURN_BATCH - 1
  jnz .create
  call thread_yield
  jmp .create
.done:
  pop r13
  pop r12
  pop rbx
  jmp st_signal

st_threads_child:
  call st_slot
  inc qword [rax + 24]                  ; only threads of this CPU write its slot
  xor eax, eax
  ret

section .rodata
key_exited:        db " exited=", 0
key_created:       db " created=", 0
key_create_errors: db " create_errors=", 0
key_total:         db " total=", 0
