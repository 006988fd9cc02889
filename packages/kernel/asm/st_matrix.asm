; st_matrix.asm — self-test "matrix": every ordered pair of CPUs (a CPU and itself included) exchanges
; `count` sequence-numbered user messages (default 100000).
;
; Every CPU runs a sender, which sends sequence numbers 0..count-1 to every CPU in turn (so all pairs
; are busy at once and rings fill: back-pressure is exercised), and a receiver, which checks for each
; source that the numbers arrive exactly in order (a loss, duplicate or reordering breaks the sequence)
; and that each message's words belong together. The receiver stops after count * ncpus messages and
; then checks it reached count for every source.
;
;   toro: result matrix cpu=<i> received=<n> errors=<e> send_cycles=<tsc> recv_cycles=<tsc>
; Pass: no errors and every CPU received count * ncpus messages.
; Calling convention: System V (kernel.asm).

ST_MATRIX_DEFAULT equ 100000
ST_MSG_SEQ        equ 0x5EC
ST_SEQ_MIX        equ 0x9E3779B97F4A7C15  ; word c = seq * mix + src: ties the words of a message together

; slot words: 0 errors, 1 received, 2 sender cycles, 3 receiver cycles

section .text
bits 64

st_matrix:
  push rbx
  push r12
  mov edi, ST_MATRIX_DEFAULT
  call st_count
  mov [st_param], rax
  mov rdi, st_matrix_receiver
  xor esi, esi
  call st_on_every_cpu
  mov rdi, st_matrix_sender
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  shl edi, 1
  call st_wait
  xor r12d, r12d
  mov rax, [st_param]
  mov ecx, [ncpus]
  imul rax, rcx
  mov [st_expected], rax
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .done
  mov edi, ebx
  call st_result_cpu
  imul eax, ebx, ST_SLOT
  mov rdi, key_received
  mov rsi, [st_slots + rax + 8]
  cmp rsi, [st_expected]
  je .count_ok
  mov r12d, ST_FAIL
.count_ok:
  call st_kv
  imul eax, ebx, ST_SLOT
  mov rdi, key_errors
  mov rsi, [st_slots + rax]
  test rsi, rsi
  jz .errors_ok
  mov r12d, ST_FAIL
.errors_ok:
  call st_kv
  imul eax, ebx, ST_SLOT
  mov rdi, key_send_cycles
  mov rsi, [st_slots + rax + 16]
  call st_kv
  imul eax, ebx, ST_SLOT
  mov rdi, key_recv_cycles
  mov rsi, [st_slots + rax + 24]
  call st_kv
  call print_newline
  inc ebx
  jmp .cpu
.done:
  mov eax, r12d
  pop r12
  pop rbx
  ret

st_matrix_sender:
  push rbx
  push r12
  push r13
  push r14
  call st_rdtsc
  mov r14, rax
  mov r13d, [gs:percpu.cpu_id]
  xor ebx, ebx                          ; sequence number
.seq:
  cmp rbx, [st_param]
  jae .sent
  xor r12d, r12d                        ; destination
.dst:
  mov edi, r12d
  mov esi, ST_MSG_SEQ
  mov rdx, rbx
  mov r8, ST_SEQ_MIX
  imul r8, rbx
  add r8, r13
  mov rcx, r13
  call msg_send
  inc r12d
  cmp r12d, [ncpus]
  jb .dst
  inc rbx
  jmp .seq
.sent:
  call st_rdtsc
  sub rax, r14
  mov r14, rax
  call st_slot
  mov [rax + 16], r14
  pop r14
  pop r13
  pop r12
  pop rbx
  jmp st_signal

st_matrix_receiver:
  push rbx
  push r12
  push r13
  push r14
  push r15
  sub rsp, MAX_CPUS * 8 + message_size + 8   ; expected sequence per source, then the message
  call st_slot
  mov rbx, rax
  call st_rdtsc
  mov r15, rax
  xor ecx, ecx
.zero:
  mov qword [rsp + rcx * 8], 0
  inc ecx
  cmp ecx, MAX_CPUS
  jb .zero
  mov r12, [st_param]
  mov eax, [ncpus]
  imul r12, rax                         ; R12 = messages still to come
  xor r13d, r13d                        ; received
.recv:
  test r12, r12
  jz .check
  lea rdi, [rsp + MAX_CPUS * 8]
  call msg_recv
  mov r14, rax                          ; source
  inc r13
  dec r12
  lea rsi, [rsp + MAX_CPUS * 8]
  cmp qword [rsi + message.type], ST_MSG_SEQ
  jne .error
  cmp [rsi + message.b], r14
  jne .error
  mov rdx, [rsi + message.a]
  mov rax, ST_SEQ_MIX
  imul rax, rdx
  add rax, r14
  cmp [rsi + message.c], rax
  jne .error
  cmp rdx, [rsp + r14 * 8]
  jne .out_of_order
  inc qword [rsp + r14 * 8]
  jmp .recv
.out_of_order:                          ; resynchronise so one fault is one error, then count it
  inc rdx
  mov [rsp + r14 * 8], rdx
.error:
  inc qword [rbx]
  jmp .recv
.check:                                 ; every source must have reached count exactly
  xor ecx, ecx
.source:
  cmp ecx, [ncpus]
  jae .done
  mov rax, [rsp + rcx * 8]
  cmp rax, [st_param]
  je .source_ok
  inc qword [rbx]
.source_ok:
  inc ecx
  jmp .source
.done:
  mov [rbx + 8], r13
  call st_rdtsc
  sub rax, r15
  mov [rbx + 24], rax
  add rsp, MAX_CPUS * 8 + message_size + 8
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  jmp st_signal

section .rodata
key_received:    db " received=", 0
key_send_cycles: db " send_cycles=", 0
key_recv_cycles: db " recv_cycles=", 0

section .bss
alignb 8
st_expected: resq 1
