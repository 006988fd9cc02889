; st_alloc.asm — self-test "alloc": allocator stress with cross-CPU frees.
;
; On every CPU a sender thread and a receiver thread. The sender first holds ST_ALLOC_LIVE objects of
; mixed sizes at once and frees them (slabs fill, empty and go back to the page allocator), then makes
; `count` allocations (default 20000): objects of sizes 1..2048 and, every 8th, a page block of order 0-3.
; Every object is stamped with its own address; odd ones are freed on the spot, the rest are sent to the
; next CPU's receiver (a user message), which checks the stamp and frees them there — so they travel
; home through the owner's kernel ring. Before and after, a thread on each CPU reads its free bytes.
;
;   toro: result alloc cpu=<i> free_before=<a> free_after=<b> stacks=<s>
;   toro: result alloc cpu=<i> errors=<e> remote_sent=<n> remote_received=<m> allocs=<k>
; Pass: every CPU's free bytes are exactly back (st_check_memory: counting the stacks of the test's own
; threads, which stay in the stack cache), no stamp was wrong and no allocation failed.
; Calling convention: System V (kernel.asm).

ST_ALLOC_DEFAULT equ 20000
ST_ALLOC_LIVE    equ 4000               ; objects held at once in the first phase
ST_STAMP         equ 0x5A5A5A5A5A5A5A5A
ST_MSG_OBJ       equ 1
ST_MSG_PAGE      equ 2
ST_MSG_END       equ 3

section .text
bits 64

st_alloc:
  push rbx
  push r12
  mov edi, ST_ALLOC_DEFAULT
  call st_count
  mov [st_param], rax
  xor edi, edi
  call st_snapshot
  mov rdi, st_alloc_receiver
  xor esi, esi
  call st_on_every_cpu
  mov rdi, st_alloc_sender
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  shl edi, 1
  call st_wait
  mov edi, 1
  call st_snapshot
  call st_check_memory
  mov r12d, eax                         ; verdict
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .done
  mov edi, ebx
  call st_result_cpu
  imul eax, ebx, ST_SLOT
  mov rdi, key_errors
  mov rsi, [st_slots + rax]
  or r12, rsi                           ; any error fails (errors are counted, never negative)
  call st_kv
  mov edi, ebx
  mov rsi, st_stats
  call mem_stats
  mov rdi, key_remote_sent
  mov rsi, [st_stats + (mech.remote_sent - MECH_STATS)]
  call st_kv
  mov rdi, key_remote_recvd
  mov rsi, [st_stats + (mech.remote_recvd - MECH_STATS)]
  call st_kv
  mov rdi, key_allocs
  mov rsi, [st_stats + (mech.obj_allocs - MECH_STATS)]
  call st_kv
  call print_newline
  inc ebx
  jmp .cpu
.done:
  xor eax, eax
  test r12, r12
  jz .out
  mov eax, ST_FAIL
.out:
  pop r12
  pop rbx
  ret

; st_alloc_sender — see the file header. Errors go to slot word 0 (shared with the receiver of the
; same CPU: both are threads of this CPU, so their increments cannot interleave).
st_alloc_sender:
  push rbx
  push r12
  push r13
  push r14
  push r15
  call st_slot
  mov r15, rax
  ; Phase 1: ST_ALLOC_LIVE objects alive at once, pointers kept in a page block.
  mov edi, 5                            ; 32 pages: room for 16384 pointers
  call page_alloc_order
  test rax, rax
  jz .fail_table
  mov r14, rax
  xor ebx, ebx
.hold:
  mov eax, ebx
  imul eax, eax, 97
  and eax, OBJ_MAX_SIZE - 1
  lea rdi, [rax + 1]
  call obj_alloc
  mov [r14 + rbx * 8], rax
  test rax, rax
  jnz .held
  inc qword [r15]
  jmp .hold_next
.held:
  mov rcx, ST_STAMP
  xor rcx, rax
  mov [rax], rcx
.hold_next:
  inc ebx
  cmp ebx, ST_ALLOC_LIVE
  jb .hold
.release:                               ; newest first
  dec ebx
  mov rdi, [r14 + rbx * 8]
  test rdi, rdi
  jz .released
  mov rcx, ST_STAMP
  xor rcx, rdi
  cmp [rdi], rcx
  je .stamp_ok
  inc qword [r15]
.stamp_ok:
  call obj_free
.released:
  test ebx, ebx
  jnz .release
  mov rdi, r14
  mov esi, 5
  call page_free_order

  ; Phase 2: allocate, stamp, free odd ones here and send even ones to the next CPU.
  mov eax, [gs:percpu.cpu_id]
  inc eax
  xor edx, edx
  div dword [ncpus]
  mov r13d, edx                         ; next CPU
  xor ebx, ebx
.next:
  cmp rbx, [st_param]
  jae .end
  test ebx, 7
  jz .page
  mov eax, ebx
  imul eax, eax, 37
  and eax, OBJ_MAX_SIZE - 1
  lea rdi, [rax + 1]
  call obj_alloc
  mov r12d, ST_MSG_OBJ
  xor r14d, r14d
  jmp .stamp
.page:
  mov r14d, ebx
  shr r14d, 3
  and r14d, 3                           ; order 0-3
  mov edi, r14d
  call page_alloc_order
  mov r12d, ST_MSG_PAGE
.stamp:
  test rax, rax
  jnz .stamped
  inc qword [r15]
  jmp .step
.stamped:
  mov rcx, ST_STAMP
  xor rcx, rax
  mov [rax], rcx
  test ebx, 1
  jz .send
  mov rdi, rax
  mov esi, r14d
  call st_alloc_free
  jmp .step
.send:
  mov edi, r13d
  mov esi, r12d
  mov rdx, rax
  mov ecx, r14d
  xor r8d, r8d
  call msg_send
.step:
  inc rbx
  jmp .next
.end:
  mov edi, r13d
  mov esi, ST_MSG_END
  xor edx, edx
  xor ecx, ecx
  xor r8d, r8d
  call msg_send
  jmp .out
.fail_table:
  inc qword [r15]
.out:
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  jmp st_signal

; st_alloc_free — frees RDI, an object (R12D = ST_MSG_OBJ) or a page block of order ESI (ST_MSG_PAGE).
st_alloc_free:
  cmp r12d, ST_MSG_PAGE
  je page_free_order
  jmp obj_free

; st_alloc_receiver — receives from the previous CPU until its end marker; checks every stamp and frees.
st_alloc_receiver:
  push rbx
  push r12
  sub rsp, message_size + 8
  call st_slot
  mov rbx, rax
.recv:
  mov rdi, rsp
  call msg_recv
  mov rax, [rsp + message.type]
  cmp rax, ST_MSG_END
  je .done
  mov rdi, [rsp + message.a]
  mov rcx, ST_STAMP
  xor rcx, rdi
  cmp [rdi], rcx
  je .good
  inc qword [rbx]
.good:
  mov r12d, [rsp + message.type]
  mov esi, [rsp + message.b]
  call st_alloc_free
  jmp .recv
.done:
  add rsp, message_size + 8
  pop r12
  pop rbx
  jmp st_signal

section .rodata
key_errors:       db " errors=", 0
key_remote_sent:  db " remote_sent=", 0
key_remote_recvd: db " remote_received=", 0
key_allocs:       db " allocs=", 0

section .bss
alignb 8
st_param: resq 1
st_stats: resq MECH_NSTATS
