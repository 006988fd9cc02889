; sched.asm — the cooperative per-CPU scheduler: threads with guard-paged stacks, a FIFO run queue,
; yield, sleep on a per-CPU timer queue, block/wake, exit/join, creation on another CPU, and the idle loop
; that halts until an interrupt.
;
; Calling convention: System V (kernel.asm); GS = this CPU's percpu block. Threads run with interrupts
; off: the kernel only enables them inside cpu_halt_until_interrupt, whose interrupt (timer or ipi_wake)
; just ends the hlt — so nothing here can be interrupted half-way and no state is shared with an
; interrupt handler (timer_tick only counts; irq_device only sets a pending bit, read here in sched_poll). A thread runs until it yields, blocks, sleeps, exits or
; receives with nothing waiting; a thread that loops without doing so starves its CPU.
;
; Every thread belongs to one CPU for its whole life, and only that CPU touches its tcb, its run queue
; and its timer queue — no lock, no lock-prefixed instruction. Other CPUs act on a thread only through
; the matrix (MSG_K_CREATE, MSG_K_WAKE), which the owner's scheduler drains in sched_poll.
;
; A thread's stack block (STACK_BLOCK bytes, from its CPU's page allocator):
;
;   slot + 0             +----------------------+ <- thread.stack
;                        | guard page: unmapped | an overflow faults here and is reported
;   slot + 4 KiB         +----------------------+
;                        |        stack         | pages mapped when first touched (stack_window.asm),
;                        |   (grows downward)   | so a thread holds only the pages it used
;   slot + SW_SLOT - 8   +----------------------+ <- while cached: link to the next cached stack
;
; A thread's stack is a slot of its CPU's stack window (stack_window.asm): 1 MiB of addresses, memory
; only for the pages touched. Stacks of exited threads go to the CPU's stack cache with the pages they
; touched, and the next thread created on that CPU reuses one; beyond STACK_CACHE_MAX cached stacks, an
; exited thread's stack is unmapped and its pages go back to the page allocator. So a CPU holds its live
; threads' stacks plus at most STACK_CACHE_MAX: thread churn does not leak.
;
; Switching: context_switch saves the callee-saved registers on the old stack and its RSP in the old tcb,
; then loads the new thread's. Whatever runs first after a switch calls sched_reap, which releases the
; stack of a thread that has just exited (it could not free the stack it was running on). XMM registers
; are caller-saved in System V and switches only happen inside calls, so they are not saved; MXCSR and
; the x87 control word are the CPU's, shared by its threads, which must leave them at their defaults.

section .text
bits 64

; thread_create — a thread on this CPU that will run RDI(RSI) and exit with its return value. EDX =
; flags: THREAD_DETACHED (its tcb is freed when it exits), else it must be joined. RAX = the thread (a
; handle for thread_join / thread_wake), or 0 when there is no memory. The thread is queued, not run.
; Clobbers the caller-saved registers.
thread_create:
  push rbx
  push r12
  push r13
  push r14
  mov r12, rdi
  mov r13, rsi
  mov r14d, edx
  mov edi, thread_size
  call obj_alloc
  test rax, rax
  jz .out
  mov rbx, rax
  call stack_get
  test rax, rax
  jz .no_stack
  mov [rbx + thread.stack], rax
  mov [rbx + thread.entry], r12
  mov [rbx + thread.arg], r13
  mov [rbx + thread.flags], r14d
  mov dword [rbx + thread.state], THREAD_READY
  mov r8, [gs:percpu.mech]
  mov ecx, [r8 + mech.cpu]
  mov [rbx + thread.cpu], ecx
  xor ecx, ecx
  mov [rbx + thread.joiner], rcx
  mov [rbx + thread.exit_value], rcx
  mov [rbx + thread.waiting], rcx
  ; The first switch to it pops six zero registers (RBP = 0 ends backtraces) and returns to thread_start.
  lea rdx, [rax + SW_SLOT - 8 * 8]
  mov [rbx + thread.rsp], rdx
  mov [rdx + 0 * 8], rcx                ; r15
  mov [rdx + 1 * 8], rcx                ; r14
  mov [rdx + 2 * 8], rcx                ; r13
  mov [rdx + 3 * 8], rcx                ; r12
  mov [rdx + 4 * 8], rcx                ; rbp
  mov [rdx + 5 * 8], rcx                ; rbx
  mov qword [rdx + 6 * 8], thread_start
  mov [rdx + 7 * 8], rcx
  inc qword [r8 + mech.threads_made]
  inc qword [r8 + mech.threads_live]
  mov rdi, rbx
  call runq_push
  mov rax, rbx
  jmp .out
.no_stack:
  mov rdi, rbx
  call obj_free
  xor eax, eax
.out:
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; thread_create_on — a detached thread running RSI(RDX) on CPU EDI. On another CPU the request travels
; through the matrix (that CPU allocates and queues the thread; yields while the ring is full). EAX = 0,
; or -1 when EDI is not a CPU or (locally) there is no memory. Clobbers the caller-saved registers.
thread_create_on:
  cmp edi, [ncpus]
  jae .bad
  mov r8, [gs:percpu.mech]
  cmp edi, [r8 + mech.cpu]
  jne .remote
  mov rdi, rsi
  mov rsi, rdx
  mov edx, THREAD_DETACHED
  call thread_create
  test rax, rax
  jz .bad
  xor eax, eax
  ret
.remote:
  mov rcx, rdx
  mov rdx, rsi
  mov esi, MSG_K_CREATE
  xor r8d, r8d
  jmp kmsg_send
.bad:
  mov eax, -1
  ret

; thread_start — where a new thread's first switch lands (RSP = stack top - 8).
thread_start:
  push rbp                              ; RBP = 0: the frame chain ends here; RSP is now 16-aligned
  mov rbp, rsp
  call sched_reap
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.current]
  mov rdi, [rax + thread.arg]
  call [rax + thread.entry]
  mov rdi, rax
  call thread_exit

; thread_exit — ends the calling thread with exit value RDI. Never returns.
thread_exit:
  mov r8, [gs:percpu.mech]
  mov rsi, [r8 + mech.current]
  mov [rsi + thread.exit_value], rdi
  mov dword [rsi + thread.state], THREAD_DEAD
  dec qword [r8 + mech.threads_live]
  mov [r8 + mech.reap], rsi
  mov rdi, [rsi + thread.joiner]
  test rdi, rdi
  jz .switch
  call thread_wake_local
.switch:
  call msg_flush
  call sched_next
  ud2                                   ; a dead thread is never switched back to

; thread_join — waits for thread RDI (created on this CPU, not detached) to exit, frees its tcb and
; returns its exit value in RAX; RAX = -1 at once for a thread of another CPU or a detached one.
; Clobbers the caller-saved registers.
thread_join:
  push rbx
  mov rbx, rdi
  mov r8, [gs:percpu.mech]
  mov eax, [rbx + thread.cpu]
  cmp eax, [r8 + mech.cpu]
  jne .bad
  test dword [rbx + thread.flags], THREAD_DETACHED
  jnz .bad
.wait:
  cmp dword [rbx + thread.state], THREAD_DEAD
  je .dead
  mov rax, [r8 + mech.current]
  mov [rbx + thread.joiner], rax
  call thread_block
  mov r8, [gs:percpu.mech]
  jmp .wait
.dead:
  push qword [rbx + thread.exit_value]
  mov rdi, rbx
  call obj_free
  pop rax
  pop rbx
  ret
.bad:
  mov rax, -1
  pop rbx
  ret

; thread_self — RAX = the calling thread.
thread_self:
  mov rax, [gs:percpu.mech]
  mov rax, [rax + mech.current]
  ret

; thread_yield — lets every other ready thread of this CPU run once, after handling messages that came
; in and waking sleepers whose time has come. Clobbers the caller-saved registers.
thread_yield:
  call msg_flush
  mov r8, [gs:percpu.mech]
  mov rdi, [r8 + mech.current]
  cmp rdi, [r8 + mech.idle_thread]
  je sched_next                         ; the idle thread is never queued
  mov dword [rdi + thread.state], THREAD_READY
  call runq_push
  jmp sched_next

; thread_block — waits until thread_wake names the calling thread; returns at once (clearing it) if
; that happened since the last block. Clobbers the caller-saved registers.
thread_block:
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.current]
  test dword [rax + thread.flags], THREAD_WAKE_PENDING
  jz .block
  and dword [rax + thread.flags], ~THREAD_WAKE_PENDING
  ret
.block:
  mov dword [rax + thread.state], THREAD_BLOCKED
  call msg_flush
  jmp sched_next

; thread_wake — makes thread RDI (of any CPU) ready if it is blocked, else marks a pending wake-up its
; next thread_block consumes. A thread of another CPU is woken by its own CPU (MSG_K_WAKE). The thread
; must still exist. Clobbers the caller-saved registers.
thread_wake:
  mov r8, [gs:percpu.mech]
  mov eax, [rdi + thread.cpu]
  cmp eax, [r8 + mech.cpu]
  je thread_wake_local
  mov rdx, rdi
  mov edi, eax
  mov esi, MSG_K_WAKE
  xor ecx, ecx
  xor r8d, r8d
  jmp kmsg_send

; thread_wake_local — thread_wake for a thread of this CPU. Clobbers RAX, R8.
thread_wake_local:
  cmp dword [rdi + thread.state], THREAD_BLOCKED
  jne .not_blocked
  mov dword [rdi + thread.state], THREAD_READY
  jmp runq_push
.not_blocked:
  cmp dword [rdi + thread.state], THREAD_DEAD
  je .done
  or dword [rdi + thread.flags], THREAD_WAKE_PENDING
.done:
  ret

; thread_sleep — suspends the calling thread for at least RDI nanoseconds (clock_ns). Clobbers the
; caller-saved registers.
thread_sleep:
  push rbx
  mov rbx, rdi
  call clock_ns
  add rbx, rax                          ; deadline
  mov r8, [gs:percpu.mech]
  mov rdi, [r8 + mech.current]
  mov [rdi + thread.deadline], rbx
  mov dword [rdi + thread.state], THREAD_SLEEPING
  ; Insert after every sleeper with a deadline <= ours (FIFO among equals). RCX walks the links; the
  ; queue head mech.timers serves as a link because thread.next is at offset 0.
  lea rcx, [r8 + mech.timers]
.walk:
  mov rdx, [rcx + thread.next]
  test rdx, rdx
  jz .insert
  cmp [rdx + thread.deadline], rbx
  ja .insert
  mov rcx, rdx
  jmp .walk
.insert:
  mov [rdi + thread.next], rdx
  mov [rcx + thread.next], rdi
  call msg_flush
  pop rbx
  jmp sched_next

; sched_wake_sleeper — takes sleeping thread RDI of this CPU off the timer queue before its deadline
; and makes it ready (irq.asm's early end of irq_wait). Clobbers RAX, RCX, R8.
sched_wake_sleeper:
  mov r8, [gs:percpu.mech]
  lea rcx, [r8 + mech.timers]           ; the head serves as a link: thread.next is at offset 0
.find:
  mov rax, [rcx + thread.next]
  test rax, rax
  jz .ready                             ; not queued (cannot happen for a sleeper): just make it ready
  cmp rax, rdi
  je .unlink
  mov rcx, rax
  jmp .find
.unlink:
  mov rax, [rdi + thread.next]
  mov [rcx + thread.next], rax
.ready:
  mov dword [rdi + thread.state], THREAD_READY
  jmp runq_push

; timer_tick — called by the LAPIC timer interrupt (interrupts off, interrupt stack). Its only job is to
; have ended the idle loop's hlt; sched_poll compares sleepers with clock_ns whenever the scheduler runs.
timer_tick:
  ret

; ---- internals ------------------------------------------------------------------------------------------

; runq_push — appends thread RDI to this CPU's run queue. Clobbers RAX, R8.
runq_push:
  mov r8, [gs:percpu.mech]
  inc qword [r8 + mech.runq_len]
  mov qword [rdi + thread.next], 0
  mov rax, [r8 + mech.runq_tail]
  test rax, rax
  jz .empty
  mov [rax + thread.next], rdi
  mov [r8 + mech.runq_tail], rdi
  ret
.empty:
  mov [r8 + mech.runq_head], rdi
  mov [r8 + mech.runq_tail], rdi
  ret

; sched_next — the heart: handles incoming messages and due timers, then switches to the first ready
; thread, or to the idle thread when none is ready. The caller has already put the current thread where
; it belongs (run queue, timer queue, blocked, dead). Returns when the current thread is switched back
; to. Clobbers the caller-saved registers.
sched_next:
  call sched_poll
  mov r8, [gs:percpu.mech]
  mov rsi, [r8 + mech.runq_head]
  test rsi, rsi
  jz .idle
  dec qword [r8 + mech.runq_len]
  mov rax, [rsi + thread.next]
  mov [r8 + mech.runq_head], rax
  test rax, rax
  jnz .picked
  mov [r8 + mech.runq_tail], rax
  jmp .picked
.idle:
  mov rsi, [r8 + mech.idle_thread]
.picked:
  mov dword [rsi + thread.state], THREAD_RUNNING
  mov rdi, [r8 + mech.current]
  cmp rdi, rsi
  je .same
  mov [r8 + mech.current], rsi
  inc qword [r8 + mech.switches]
  call context_switch
  jmp sched_reap
.same:
  ret

; context_switch — saves the callee-saved registers and RSP into thread RDI, resumes thread RSI.
; Returns in RSI's context (to wherever that thread called context_switch, or to thread_start).
context_switch:
  push rbx
  push rbp
  push r12
  push r13
  push r14
  push r15
  mov [rdi + thread.rsp], rsp
  mov rsp, [rsi + thread.rsp]
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbp
  pop rbx
  ret

; sched_reap — releases what a thread that just exited could not release itself: its stack and, if
; detached, its tcb. The stack goes to the stack cache, or back to the page allocator (guard page mapped
; again) when the cache already holds STACK_CACHE_MAX. Clobbers the caller-saved registers.
sched_reap:
  mov r8, [gs:percpu.mech]
  mov rdi, [r8 + mech.reap]
  test rdi, rdi
  jz .done
  mov qword [r8 + mech.reap], 0
  push rbx
  mov rbx, rdi
  mov rdi, [rbx + thread.stack]
  cmp qword [r8 + mech.stacks_cached], STACK_CACHE_MAX
  jae .release
  mov rcx, [r8 + mech.stack_cache]
  mov [rdi + SW_SLOT - 8], rcx          ; the link lives in the top page, which the first frame touched
  mov [r8 + mech.stack_cache], rdi
  inc qword [r8 + mech.stacks_cached]
  jmp .tcb
.release:
  add rdi, PAGE_SIZE                    ; the stack as stack_map gave it, above the guard page
  call stack_unmap
  mov r8, [gs:percpu.mech]
  dec qword [r8 + mech.stacks_total]
.tcb:
  mov rdi, rbx
  pop rbx
  test dword [rdi + thread.flags], THREAD_DETACHED
  jz .done
  jmp obj_free
.done:
  ret

; stack_get — RAX = a stack slot (its guard page's address; the stack is the SW_SLOT - 4 KiB above):
; a cached one, else a new one of the stack window; 0 when there is none. Never switches (thread_create
; runs in message handlers too). Clobbers the caller-saved registers.
stack_get:
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.stack_cache]
  test rax, rax
  jz .new
  mov rcx, [rax + SW_SLOT - 8]
  mov [r8 + mech.stack_cache], rcx
  dec qword [r8 + mech.stacks_cached]
  ret
.new:
  mov edi, SW_STACK_MAX
  call stack_map
  test rax, rax
  jz .done
  sub rax, PAGE_SIZE
  mov r8, [gs:percpu.mech]
  inc qword [r8 + mech.stacks_total]
.done:
  ret

; sched_poll — drains the kernel rings (remote frees, creates, wakes), moves sleepers whose deadline has
; passed to the run queue, and wakes the receive waiters if a user message is waiting.
; Clobbers the caller-saved registers.
sched_poll:
  push rbx
  call matrix_drain_kernel
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.timers], 0
  je .receivers
  call clock_ns
  mov rbx, rax
.due:
  mov r8, [gs:percpu.mech]
  mov rdi, [r8 + mech.timers]
  test rdi, rdi
  jz .receivers
  cmp [rdi + thread.deadline], rbx
  ja .receivers
  mov rax, [rdi + thread.next]
  mov [r8 + mech.timers], rax
  mov dword [rdi + thread.state], THREAD_READY
  call runq_push
  jmp .due
.receivers:
  call irq_poll                         ; a device vector for the CPU's irq waiter
  call sched_receivers_due
  test eax, eax
  jz .done
  mov r8, [gs:percpu.mech]
  mov rbx, [r8 + mech.recv_waiters]
  mov qword [r8 + mech.recv_waiters], 0
.wake:                                  ; every waiter looks again; those that find nothing re-register
  test rbx, rbx
  jz .done
  mov rdi, rbx
  mov rbx, [rdi + thread.wait_next]
  mov qword [rdi + thread.waiting], 0
  call thread_wake_local
  jmp .wake
.done:
  pop rbx
  ret

; sched_receivers_due — EAX = nonzero when a thread on this CPU waits in msg_recv and a user message to
; this CPU is pending (then the waiters should look again). Clobbers the caller-saved registers.
sched_receivers_due:
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.recv_waiters], 0
  je .no
  mov edi, RING_USER
  jmp matrix_pending
.no:
  xor eax, eax
  ret

; sched_has_work — EAX = nonzero if, after sched_poll, something could still be ready: a queued thread,
; a kernel message, a user message with a receiver waiting, an irq waiter with a vector to see (irq.asm),
; or a sleeper already due. The idle loop asks
; this after announcing itself idle. Clobbers the caller-saved registers.
sched_has_work:
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.runq_head], 0
  jne .yes
  mov edi, RING_KERNEL
  call matrix_pending
  test eax, eax
  jnz .yes
  call sched_receivers_due
  test eax, eax
  jnz .yes
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.irq_waiter], 0
  je .timers
  call irq_ready                        ; an irq waiter irq_poll would wake
  test eax, eax
  jnz .yes
.timers:
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.timers]
  test rax, rax
  jz .no
  push qword [rax + thread.deadline]
  call clock_ns
  pop rdx
  cmp rax, rdx
  jae .yes
.no:
  xor eax, eax
  ret
.yes:
  mov eax, 1
  ret

; sched_idle — the idle thread's loop (the CPU's boot context, after cpu_main). Runs ready threads; when
; there are none, announces the CPU idle and halts until an interrupt (the LAPIC timer for the earliest
; sleeper, or ipi_wake from a CPU that sent a message). Never returns.
;
; The idle announcement pairs with msg_flush (matrix.asm): store cpu_idle = 1, MFENCE, then look for
; work; a sender stores head, MFENCE, then reads cpu_idle. One of the two always sees the other, so a
; message is never left waiting behind a halted CPU. An ipi_wake that arrives between the last look and
; the hlt is not lost: interrupts are off until cpu_halt_until_interrupt's `sti; hlt`, and an interrupt
; made pending before `sti` ends the `hlt` that follows it.
sched_idle:
  call msg_flush
  call sched_next
  mov r8, [gs:percpu.mech]
  mov eax, [r8 + mech.cpu]
  shl eax, 6
  mov byte [cpu_idle + rax], 1
  mfence
  call sched_has_work
  test eax, eax
  jnz .awake
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.timers]
  test rax, rax
  jz .halt
  mov rdi, [rax + thread.deadline]
  call timer_arm
.halt:
  call cpu_halt_until_interrupt
.awake:
  mov r8, [gs:percpu.mech]
  mov eax, [r8 + mech.cpu]
  shl eax, 6
  mov byte [cpu_idle + rax], 0
  jmp sched_idle
