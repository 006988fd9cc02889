; matrix.asm — the message matrix: for every ordered pair of CPUs (src, dst) and each kind (kernel, user),
; a bounded single-producer single-consumer ring that only src writes to and only dst reads from.
;
; Calling convention: System V (kernel.asm); GS = the calling CPU's percpu block; thread context only
; (never from an interrupt handler: a send may yield). No lock, no lock-prefixed instruction.
;
; Layout. Each CPU allocates its inbound rings from its own memory (so they sit on its NUMA node) and
; publishes the block in matrix_inbox[dst]:
;
;   matrix_inbox[dst] ──► +----------------+----------------+----------------+----------------+---
;                         | src 0, kernel  | src 0, user    | src 1, kernel  | src 1, user    | ...
;                         +----------------+----------------+----------------+----------------+---
;   one ring (RING_BYTES):
;     +0    head, tail_seen    the producer's cache line (only src writes it)
;     +64   tail               the consumer's cache line (only dst writes it)
;     +128  slots[RING_SLOTS]  32-byte messages: type, a, b, c
;
; head and tail count messages since boot (64-bit: they never wrap); slot = count mod RING_SLOTS; the
; ring holds head - tail messages, so the producer may write while head - tail < RING_SLOTS.
;
; Why this is correct on x86-64 without fences on the fast path (x86-TSO, Intel SDM vol. 3 §9.2.2):
;   1. Producer: it writes the slot, then stores head+1. Stores are not reordered with other stores, so
;      any CPU that sees the new head also sees the slot's contents (head is the release).
;   2. Consumer: it loads head, then loads the slot. Loads are not reordered with other loads, so the
;      slot it reads is at least as new as the head it saw (head is the acquire).
;   3. Consumer: it loads the slot's contents, then stores tail+1. Loads are not reordered with later
;      stores, so the producer, once it sees the new tail, cannot overwrite a slot still being read.
;   4. Producer: its view of tail may be old; an old tail only makes the ring look fuller than it is
;      (tail only grows), so it can never overwrite an unread message.
;   5. Each field has exactly one writer, so no read-modify-write ever races: no lock prefix is needed.
;      Several threads of one CPU may send on the same ring, but threads are cooperative and a send
;      never switches between reading head and publishing it (a full ring yields before it writes).
; The one place TSO is too weak is waking a halted consumer — a store followed by a load of another
; location (store-buffer forwarding lets each side miss the other's store):
;     producer: store head ... load cpu_idle[dst]      consumer: store cpu_idle[me] = 1 ... load head
; Both sides put MFENCE between their store and their load (msg_flush here, sched_idle in sched.asm),
; so at least one of them sees the other: either the producer sees the consumer idle and sends
; ipi_wake, or the consumer sees the message and does not halt. MFENCE is a fence, not an atomic.
;
; Batching: msg_send only marks the destination in mech.wake_dirty; msg_flush (called whenever the
; thread yields, blocks, sleeps or exits, and before the CPU idles) pays for one MFENCE and wakes every
; idle destination once. A service that sends and then computes for long should call msg_flush itself.
; Consumers read head once and consume up to it before looking again.
;
; Back-pressure: a sender whose ring is full yields (letting the CPU's other threads — among them,
; possibly, the consumer on this same CPU — run) and tries again; when no other thread was ready it
; watches the consumer's tail RING_FULL_SPINS times, then sleeps RING_FULL_BACKOFF_NS instead of spinning
; on. Nothing is dropped.

section .text
bits 64

; msg_send — sends the user message (type RSI, words RDX, RCX, R8) to CPU EDI; yields while the ring is
; full. EAX = 0, or -1 if EDI is not a CPU. Clobbers the caller-saved registers.
msg_send:
  mov r9d, RING_USER
  jmp ring_send

; kmsg_send — the same on the kernel ring (type = MSG_K_*), which the destination's scheduler drains.
kmsg_send:
  mov r9d, RING_KERNEL
  ; fall through

; ring_send — EDI = dst, RSI = type, RDX/RCX/R8 = words, R9D = kind.
ring_send:
  mov edi, edi
  cmp edi, [ncpus]
  jae .bad
  mov r10, [gs:percpu.mech]
  mov eax, [r10 + mech.cpu]
  lea eax, [rax * 2 + r9]
  imul eax, eax, RING_BYTES
  mov r11, [matrix_inbox + rdi * 8]
  add r11, rax                          ; R11 = ring (me → dst, kind)
.retry:
  mov rax, [r11 + ring.head]
  mov r10, rax
  sub r10, [r11 + ring.tail_seen]
  cmp r10, RING_SLOTS
  jb .room
  mov r10, [r11 + ring.tail]            ; looks full: look at the consumer's real progress (point 4)
  mov [r11 + ring.tail_seen], r10
  neg r10
  add r10, rax
  cmp r10, RING_SLOTS
  jae .full
.room:
  mov r10d, eax
  and r10d, RING_SLOTS - 1
  shl r10d, 5
  lea r10, [r11 + ring.slots + r10]
  mov [r10 + message.type], rsi
  mov [r10 + message.a], rdx
  mov [r10 + message.b], rcx
  mov [r10 + message.c], r8
  inc rax
  mov [r11 + ring.head], rax            ; publish (point 1)
  mov r10, [gs:percpu.mech]
  mov rax, [r10 + mech.wake_dirty]
  bts rax, rdi
  mov [r10 + mech.wake_dirty], rax
  inc qword [r10 + mech.msgs_sent]
  xor eax, eax
  ret
.full:                                  ; back-pressure: let others run (the consumer among them)
  push rdi
  push rsi
  push rdx
  push rcx
  push r8
  push r9
  push r11
  mov r10, [gs:percpu.mech]
  push qword [r10 + mech.switches]
  call thread_yield
  ; Nothing else was ready on this CPU: only the consumer, on another CPU, can make room. Watch its
  ; tail for a short while (it is usually draining right now), then halt for a moment rather than spin
  ; on: a spinning vCPU takes a host core the consumer's vCPU may need.
  mov r10, [gs:percpu.mech]
  pop rax
  cmp rax, [r10 + mech.switches]
  jne .retry_saved
  mov r11, [rsp]                        ; the ring
  mov ecx, RING_FULL_SPINS
.watch:
  pause
  mov rax, [r11 + ring.head]
  sub rax, [r11 + ring.tail]
  cmp rax, RING_SLOTS
  jb .retry_saved
  dec ecx
  jnz .watch
  mov edi, RING_FULL_BACKOFF_NS
  call thread_sleep
.retry_saved:
  pop r11
  pop r9
  pop r8
  pop rcx
  pop rdx
  pop rsi
  pop rdi
  jmp .retry
.bad:
  mov eax, -1
  ret

; msg_flush — wakes every idle CPU this one has published messages to since the last flush. Clobbers
; the caller-saved registers.
msg_flush:
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.wake_dirty]
  test rax, rax
  jz .done
  mov qword [r8 + mech.wake_dirty], 0
  ; The heads stored by msg_send must be visible before cpu_idle is read (see the header).
  mfence
  push rbx
  push r12
  mov rbx, rax
  mov r12d, [r8 + mech.cpu]
.next:
  bsf rcx, rbx
  jz .out
  btr rbx, rcx
  cmp ecx, r12d
  je .next
  mov eax, ecx
  shl eax, 6
  cmp byte [cpu_idle + rax], 0
  je .next
  mov edi, ecx
  call ipi_wake
  jmp .next
.out:
  pop r12
  pop rbx
.done:
  ret

; msg_try_recv — copies the next user message for this CPU (struc message) to RDI. RAX = its source
; CPU, or -1 when none is waiting. Sources are taken round robin. Clobbers RCX, RDX, RSI, R8-R11.
msg_try_recv:
  mov r8, [gs:percpu.mech]
  mov r9d, [ncpus]
  mov r10d, [r8 + mech.recv_rr]
  xor r11d, r11d                        ; sources looked at
.source:
  cmp r11d, r9d
  jae .none
  cmp r10d, r9d
  jb .in_range
  xor r10d, r10d
.in_range:
  mov eax, [r8 + mech.cpu]
  mov rsi, [matrix_inbox + rax * 8]
  lea eax, [r10 * 2 + RING_USER]
  imul eax, eax, RING_BYTES
  add rsi, rax                          ; RSI = ring (src R10D → me, user)
  mov rcx, [rsi + ring.tail]
  cmp rcx, [rsi + ring.head]            ; acquire (point 2)
  jne .take
  inc r10d
  inc r11d
  jmp .source
.take:
  mov edx, ecx
  and edx, RING_SLOTS - 1
  shl edx, 5
  lea rdx, [rsi + ring.slots + rdx]
  mov rax, [rdx + message.type]
  mov [rdi + message.type], rax
  mov rax, [rdx + message.a]
  mov [rdi + message.a], rax
  mov rax, [rdx + message.b]
  mov [rdi + message.b], rax
  mov rax, [rdx + message.c]
  mov [rdi + message.c], rax
  inc rcx
  mov [rsi + ring.tail], rcx            ; the slot is free again (point 3)
  inc qword [r8 + mech.msgs_recvd]
  lea eax, [r10 + 1]
  mov [r8 + mech.recv_rr], eax
  mov eax, r10d
  ret
.none:
  mov rax, -1
  ret

; msg_recv — like msg_try_recv, but blocks the thread until a message comes. RAX = source CPU.
; Clobbers the caller-saved registers.
msg_recv:
  push rbx
  mov rbx, rdi
.again:
  mov rdi, rbx
  call msg_try_recv
  test rax, rax
  jns .done
  ; Wait on this CPU's receive list; sched_poll wakes the list when a user ring has something.
  mov r8, [gs:percpu.mech]
  mov rcx, [r8 + mech.current]
  cmp qword [rcx + thread.waiting], 0
  jne .block
  mov qword [rcx + thread.waiting], 1
  mov rax, [r8 + mech.recv_waiters]
  mov [rcx + thread.wait_next], rax
  mov [r8 + mech.recv_waiters], rcx
.block:
  call thread_block
  jmp .again
.done:
  pop rbx
  ret

; matrix_pending — EAX = nonzero when a ring of kind EDI (RING_KERNEL or RING_USER) from any CPU to
; this one holds a message. Clobbers RCX, RDX, RSI, R8.
matrix_pending:
  mov r8, [gs:percpu.mech]
  mov eax, [r8 + mech.cpu]
  mov rsi, [matrix_inbox + rax * 8]
  imul eax, edi, RING_BYTES
  add rsi, rax
  mov ecx, [ncpus]
.ring:
  mov rax, [rsi + ring.head]
  cmp rax, [rsi + ring.tail]
  jne .yes
  add rsi, 2 * RING_BYTES
  dec ecx
  jnz .ring
  xor eax, eax
  ret
.yes:
  mov eax, 1
  ret

; matrix_drain_kernel — handles the messages waiting on this CPU's inbound kernel rings: remote frees,
; remote thread creation, remote wake-ups. Handlers never send, so draining never yields. A create
; request waits in its ring while RUNQ_CREATE_LIMIT threads are ready (see below).
; Clobbers the caller-saved registers.
matrix_drain_kernel:
  push rbx
  push r12
  push r13
  push r14
  push r15
  mov r12, [gs:percpu.mech]
  xor r13d, r13d                        ; source CPU
.source:
  cmp r13d, [ncpus]
  jae .done
  mov eax, [r12 + mech.cpu]
  mov rbx, [matrix_inbox + rax * 8]
  imul eax, r13d, 2 * RING_BYTES
  add rbx, rax                          ; RBX = ring (src R13D → me, kernel)
  mov r14, [rbx + ring.tail]
  mov r15, [rbx + ring.head]            ; acquire once, then consume up to it (batching)
.message:
  cmp r14, r15
  je .next_source
  mov eax, r14d
  and eax, RING_SLOTS - 1
  shl eax, 5
  lea rax, [rbx + ring.slots + rax]
  mov rcx, [rax + message.type]
  cmp rcx, MSG_K_CREATE
  jne .take
  ; Flow control: creating threads faster than they can run would turn a burst of requests into
  ; unbounded memory. Leave the request (and what follows it from this source) in the ring until the
  ; run queue is shorter: the ring fills and its sender yields, as with any full ring.
  cmp qword [r12 + mech.runq_len], RUNQ_CREATE_LIMIT
  jae .next_source
.take:
  mov rdi, [rax + message.a]
  mov rsi, [rax + message.b]
  inc r14
  mov [rbx + ring.tail], r14            ; release the slot (point 3): its words are in registers
  inc qword [r12 + mech.msgs_recvd]
  call kmsg_dispatch
  jmp .message
.next_source:
  inc r13d
  jmp .source
.done:
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; kmsg_dispatch — RCX = MSG_K_* type, RDI = a, RSI = b. R12 = mech. Clobbers the caller-saved registers.
kmsg_dispatch:
  cmp rcx, MSG_K_OBJ_FREE
  je .obj_free
  cmp rcx, MSG_K_PAGE_FREE
  je .page_free
  cmp rcx, MSG_K_CREATE
  je .create
  cmp rcx, MSG_K_WAKE
  je thread_wake_local
  cmp rcx, MSG_K_PAGE_REQ
  je .page_request
  ret                                   ; unknown types are ignored
.page_request:                          ; another CPU of the node is out of memory: lend it a block
  push rsi
  call page_alloc_order                 ; local only: a handler never waits
  pop rsi
  mov [rsi + page_reply.block], rax
  mov qword [rsi + page_reply.done], 1  ; after .block (stores stay in order): the asker may read it
  ret
.obj_free:
  inc qword [r12 + mech.remote_recvd]
  jmp obj_free_local
.page_free:
  inc qword [r12 + mech.remote_recvd]
  jmp page_free_local
.create:
  mov edx, THREAD_DETACHED
  call thread_create
  test rax, rax
  jnz .created
  inc qword [r12 + mech.create_fail]
.created:
  ret

; matrix_init_cpu — allocates this CPU's inbound rings (2 per source CPU, zeroed) from its own memory
; and publishes them in matrix_inbox. Must run after mem_init_cpu and before cpu_ready is set (nobody
; sends to a CPU before every CPU is ready). Clobbers the caller-saved registers.
matrix_init_cpu:
  push rbx
  mov eax, [ncpus]
  imul eax, eax, 2 * RING_BYTES
  add eax, PAGE_SIZE - 1
  shr eax, PAGE_SHIFT                   ; pages needed
  xor edi, edi
.order:                                 ; smallest order with 2^order >= pages
  mov ecx, edi
  mov edx, 1
  shl edx, cl
  cmp edx, eax
  jae .alloc
  inc edi
  jmp .order
.alloc:
  mov ebx, edx
  call page_alloc_order
  test rax, rax
  jz .done                              ; no memory: the inbox stays 0 and the boot check reports it
  mov rdx, rax
  mov rdi, rax
  mov ecx, ebx
  shl ecx, PAGE_SHIFT - 3
  xor eax, eax
  rep stosq
  mov r8, [gs:percpu.mech]
  mov eax, [r8 + mech.cpu]
  mov [matrix_inbox + rax * 8], rdx
.done:
  pop rbx
  ret

section .bss
alignb 64
matrix_inbox: resq MAX_CPUS             ; written once per CPU before it is ready; read-only after
cpu_idle:     resb CPU_LINE * MAX_CPUS  ; byte 0 of line i: CPU i is (about to be) halted
cpu_ready:    resb CPU_LINE * MAX_CPUS  ; byte 0 of line i: CPU i's mechanisms are initialised
