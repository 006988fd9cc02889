; threads.asm — the runtime's threads: several threads of compiled code on one CPU (the SDK's spawn),
; each on a compiled-code stack of its own, scheduled by the OS layer's threads (os-toro.asm: the
; kernel's cooperative scheduler). What this file keeps true:
;
;   - The collector sees every root. Each thread has a record (struc rtthread) on the CPU's list
;     rt_threads; a thread that is switched out has saved its frame pointer there, so the collector
;     (core.asm collect, through __rt_thread_roots) walks the running thread's frames from rbp as
;     before and every other thread's frames from its saved rbp. A record's value words (the function
;     and arguments of a thread not started yet, where its result goes) are roots too.
;   - A finished thread costs nothing: when its function returns, its compiled stack is unmapped and
;     its record leaves rt_threads for the CPU's spare list (rt_spare), which __rt_thread_new takes
;     from first (runtime/lib/sdk.ts keeps results in the Thread objects, not here). Records are
;     recycled, never freed, so a record number another thread still holds (a channel waiter, a
;     select watcher) always names a record: a wake that reaches a spare one is dropped (its handle
;     is 0), one that reaches the record's next thread is a spurious wake-up, which every wait of the
;     runtime tolerates (each re-checks its condition). A CPU holds as many records as it ever had
;     threads at once.
;   - Per-thread runtime state follows the thread: the exception handler chain and the stack limits
;     (core.asm's __rt_handler, __rt_stack_limit*) are saved in the record when it switches out and
;     restored when it comes back (rt_save / rt_restore around every call that can switch).
;   - Nothing runs compiled code while another thread of the CPU is inside the runtime's memory
;     calls: os-toro.asm raises rt_critical around kernel calls that may switch in the middle of an
;     allocation or a collection, and a thread that comes back while it is raised yields until it
;     drops (rt_restore). So a collection never sees another thread half-way.
;
; Calling convention: System V; the wrappers called from compiled code keep rbp (compiled code
; keeps nothing else in registers across calls, see backend/abi.ts). Each CPU has its own copy of
; this file's .data (one isolate per CPU), so rt_current and rt_threads are per CPU.

bits 64
default rel

extern os_thread_create, os_thread_block, os_thread_wake, os_sleep_ns, os_yield
extern os_map, os_unmap, os_stack_map, os_stack_unmap, os_alloc, os_free, os_msg_send, os_msg_recv
extern __rt_alloc_words, __rt_alloc_string, __rt_alloc_string16
extern __rt_handler, __rt_stack_limit, __rt_stack_limit_normal, __rt_stack_limit_emergency
extern __rt_gc_forward, __rt_gc_frames, THREAD_RUN

struc rtthread
  .next:      resq 1    ; the CPU's next thread record (rt_threads), or next spare one (rt_spare)
  .prev:      resq 1    ; the previous record on rt_threads, or 0 at its head
  .rbp:       resq 1    ; frame pointer while switched out; 0 while running (or before the first run)
  .handler:   resq 1    ; __rt_handler while switched out
  .limit:     resq 1    ; __rt_stack_limit_normal while switched out
  .emergency: resq 1    ; __rt_stack_limit_emergency while switched out
  .stack:     resq 1    ; base of its compiled-code stack (0: the main thread's comes from the OS layer)
  .stack_size: resq 1
  .kstack:    resq 1    ; rsp on the OS thread's own stack, to go back to when the function returns
  .handle:    resq 1    ; the OS thread (0 while spare)
  .flags:     resq 1    ; runtime/lib/sdk.ts's (copy the result, report it to another CPU)
  .native:    resq 1    ; a runtime routine to run instead of THREAD_RUN (the message pump), or 0
  .fn:        resq 1    ; value: the function to run (undefined once started)
  .args:      resq 1    ; value: its arguments, an array (undefined once started)
  .target:    resq 1    ; value: where its result goes (runtime/lib/sdk.ts threadRun)
endstruc

RTTHREAD_VALUES equ 3   ; .fn, .args, .target: the record's value words

section .text

; __rt_thread_roots — for the collector, after the running thread's frames and the globals: every
; record's value words, and the frames of every switched-out thread (core.asm __rt_gc_frames). Uses rbx
; (collect no longer needs it), r9/rdi as forward's loop registers; forward advances r14.
global __rt_thread_roots
__rt_thread_roots:
    lea rdi, [rt_sdk_state]
    call __rt_gc_forward
    mov rbx, [rt_threads]
.thread:
    test rbx, rbx
    jz .done
    lea rdi, [rbx + rtthread.fn]
    mov r9, RTTHREAD_VALUES
.value:
    call __rt_gc_forward
    add rdi, 8
    dec r9
    jnz .value
    cmp rbx, [rt_current]
    je .next                    ; the running thread's frames were walked from rbp
    push rbx
    mov rbx, [rbx + rtthread.rbp]
    call __rt_gc_frames
    pop rbx
.next:
    mov rbx, [rbx + rtthread.next]
    jmp .thread
.done:
    ret

; rt_save — rbx = the running thread's record: its state goes into the record before a switch.
; rbp is the compiled caller's frame (the wrappers below build none). Clobbers rax.
rt_save:
    mov [rbx + rtthread.rbp], rbp
    mov rax, [__rt_handler]
    mov [rbx + rtthread.handler], rax
    mov rax, [__rt_stack_limit_normal]
    mov [rbx + rtthread.limit], rax
    mov rax, [__rt_stack_limit_emergency]
    mov [rbx + rtthread.emergency], rax
    ret

; rt_restore — rbx = this thread's record, back from a switch: waits until no thread of the CPU is
; inside a memory call (rt_critical), then makes it the running thread again. Clobbers the
; caller-saved registers.
rt_restore:
    cmp qword [rt_critical], 0
    je .mine
    call os_yield
    jmp rt_restore
.mine:
    mov [rt_current], rbx
    mov qword [rbx + rtthread.rbp], 0
    mov rax, [rbx + rtthread.handler]
    mov [__rt_handler], rax
    mov rax, [rbx + rtthread.limit]
    mov [__rt_stack_limit_normal], rax
    mov [__rt_stack_limit], rax
    mov rax, [rbx + rtthread.emergency]
    mov [__rt_stack_limit_emergency], rax
    ret

; The calls compiled code makes that may let the CPU's other threads run (SDK sleep, yieldNow, and
; the waits of join and channels): each saves the running thread's state around the OS call.
%macro SWITCHING 2                      ; name, OS routine (its arguments stay in rdi, rsi)
global %1
%1:
    push rbx
    mov rbx, [rt_current]
    push rdi
    push rsi
    call rt_save
    pop rsi
    pop rdi
    call %2
    push rax                    ; the OS routine's result (twice: the stack stays 16-byte aligned)
    push rax
    call rt_restore
    pop rax
    pop rax
    pop rbx
    ret
%endmacro

SWITCHING __rt_sleep_ns, os_sleep_ns    ; rdi = nanoseconds
SWITCHING __rt_yield, os_yield
SWITCHING __rt_block, os_thread_block   ; returns once __rt_wake names this thread (or already did)
SWITCHING __rt_msg_send_raw, os_msg_send  ; rdi = CPU, rsi = the 4 words at rt_msg_out (waits while the ring is full)
SWITCHING __rt_msg_recv_raw, os_msg_recv  ; rdi = rt_msg_in: waits for a message; rax = its source CPU

; __rt_switching(rdi, rsi; r11 = an OS routine) → its rax: the same switching call for a routine outside
; this file (hw.asm's irqWait, which exists in a Toro image only).
global __rt_switching
__rt_switching:
    push rbx
    mov rbx, [rt_current]
    push rdi
    push rsi
    push r11
    sub rsp, 8
    call rt_save
    add rsp, 8
    pop r11
    pop rsi
    pop rdi
    call r11
    push rax
    push rax
    call rt_restore
    pop rax
    pop rax
    pop rbx
    ret

; __rt_msg_recv → rax: the source CPU of the next message to this CPU (waiting, switching, until one
; comes); __rt_msg_word reads its words.
global __rt_msg_recv
__rt_msg_recv:
    lea rdi, [rt_msg_in]
    jmp __rt_msg_recv_raw

; __rt_msg_send(rdi = CPU, rsi = type, rdx, rcx, r8 = words): a message of the SDK's protocol
; (runtime/lib/sdk.ts) to that CPU's message pump. Waits (switching) while the ring to it is full.
global __rt_msg_send
__rt_msg_send:
    mov [rt_msg_out], rsi
    mov [rt_msg_out + 8], rdx
    mov [rt_msg_out + 16], rcx
    mov [rt_msg_out + 24], r8
    lea rsi, [rt_msg_out]
    jmp __rt_msg_send_raw

; __rt_msg_word(rdi = 0 type | 1 | 2 | 3) → rax: a word of the message __rt_msg_recv took.
global __rt_msg_word
__rt_msg_word:
    lea rax, [rt_msg_in]
    mov rax, [rax + rdi * 8]
    ret

; __rt_closure_code(rdi = closure reference) → rax: its code address (the same on every CPU).
; __rt_closure_new(rdi = code address) → rax: a closure of this CPU's heap for a top-level function
; (no environment), as another CPU's spawnOn names it.
global __rt_closure_code, __rt_closure_new
__rt_closure_code:
    mov rax, ADDR_MASK
    and rax, rdi
    mov rax, [rax + 8]
    ret
__rt_closure_new:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: nothing here is a reference
    push rdi
    mov edi, KIND_CLOSURE
    mov esi, 3
    call __rt_alloc_words       ; every word undefined
    pop rdi
    mov rcx, ADDR_MASK
    and rcx, rax
    mov [rcx + 8], rdi          ; [0] the code address, raw
    leave
    ret

; __rt_block_alloc(rdi = bytes, this header included) → rax: a block of memory any CPU may read and
; free, its first qword the bytes reserved (what __rt_block_free needs); 0 when there is no memory.
; Small blocks come from the kernel's object allocator, larger ones are whole pages.
; __rt_block_free(rdi = such a block), on any CPU.
global __rt_block_alloc, __rt_block_free
__rt_block_alloc:
    add rdi, 7
    and rdi, -8
    cmp rdi, 2048
    ja .pages
    push rdi
    push rdi
    call os_alloc
    pop rdx
    pop rdx
    jmp .got
.pages:
    add rdi, 4095
    and rdi, -4096
    call os_map                 ; rdx = what it reserved
.got:
    test rax, rax
    jz .out
    mov [rax], rdx
.out:
    ret

__rt_block_free:
    mov rsi, [rdi]
    cmp rsi, 2048
    ja .pages
    jmp os_free
.pages:
    jmp os_unmap

; __rt_wire_pack(rdi = string reference) → rax: a block (__rt_block_alloc) holding a copy of the string
; object after its header; 0 when there is no memory.
; __rt_wire_unpack(rdi = such a block) → rax: a string of this CPU's heap equal to it; frees the block.
global __rt_wire_pack, __rt_wire_unpack
__rt_wire_pack:
    push rbx
    push r12
    mov rax, ADDR_MASK
    and rax, rdi
    mov r12, rax                ; the object
    call string_object_bytes
    mov rbx, rcx
    lea rdi, [rcx + 8]
    call __rt_block_alloc
    test rax, rax
    jz .out
    lea rdi, [rax + 8]
    mov rsi, r12
    mov rcx, rbx
    rep movsb
.out:
    pop r12
    pop rbx
    ret

__rt_wire_unpack:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: the block is not in the heap
    push rbx
    mov rbx, rdi                ; the block; its object starts at +8
    mov edi, [rbx + 8]          ; units
    test byte [rbx + 8 + 5], STRING_WIDE_BYTE
    jnz .wide
    call __rt_alloc_string
    jmp .made
.wide:
    call __rt_alloc_string16
.made:
    push rax
    push r12
    lea r12, [rbx + 8]
    call string_object_bytes
    sub rcx, 8                  ; the payload's bytes
    mov rdi, ADDR_MASK
    and rdi, rax
    add rdi, 8
    lea rsi, [r12 + 8]
    rep movsb
    pop r12
    mov rdi, rbx
    call __rt_block_free
    pop rax
    pop rbx
    leave
    ret

; string_object_bytes(r12 = a string object's address) → rcx: its header and payload bytes.
string_object_bytes:
    mov ecx, [r12]              ; units
    test byte [r12 + 5], STRING_WIDE_BYTE
    jz .narrow
    add rcx, rcx
.narrow:
    add rcx, 8
    ret

; __rt_wake(rdi = thread record): makes a thread blocked in __rt_block runnable. Does not switch.
; A spare record (its thread has ended) is left alone.
global __rt_wake
__rt_wake:
    mov rdi, [rdi + rtthread.handle]
    test rdi, rdi
    jz .spare
    jmp os_thread_wake
.spare:
    ret

; __rt_thread_main_handle(rdi = the OS thread running main): the OS layer names it at start, so
; that a spawned thread can wake main when main waits for it.
global __rt_thread_main_handle
__rt_thread_main_handle:
    mov [main_thread + rtthread.handle], rdi
    ret

; __rt_sdk_state → rax / __rt_sdk_set_state(rdi): the SDK's per-CPU value (runtime/lib/sdk.ts keeps its
; channel homes there), a root of the collector like a global slot.
global __rt_sdk_state, __rt_sdk_set_state
__rt_sdk_state:
    mov rax, [rt_sdk_state]
    ret
__rt_sdk_set_state:
    mov [rt_sdk_state], rdi
    ret

; __rt_thread_current → rax: the running thread's record.
global __rt_thread_current
__rt_thread_current:
    mov rax, [rt_current]
    ret

; __rt_thread_value(rdi = record, rsi = 0 fn | 1 args | 2 target) → rax: that value word.
; __rt_thread_set_value(rdi, rsi, rdx = value). __rt_thread_word / _set_word: 0 flags (the record's
; only plain word).
global __rt_thread_value, __rt_thread_set_value, __rt_thread_word, __rt_thread_set_word
__rt_thread_value:
    mov rax, [rdi + rtthread.fn + rsi * 8]
    ret
__rt_thread_set_value:
    mov [rdi + rtthread.fn + rsi * 8], rdx
    ret
__rt_thread_word:
    mov rax, [rdi + rtthread.flags + rsi * 8]
    ret
__rt_thread_set_word:
    mov [rdi + rtthread.flags + rsi * 8], rdx
    ret

; __rt_thread_new(rdi = function, rsi = arguments array) → rax: the new thread's record, or 0 when
; the OS has no thread or no memory for it. The thread first runs when this one next switches.
; Allocates no GC memory, so rdi/rsi stay valid until they are stored in the record.
global __rt_thread_new
__rt_thread_new:
    push rbx
    push r12
    push r13
    mov r12, rdi
    mov r13, rsi
    mov rax, [rt_spare]         ; a spare record, or a new one
    test rax, rax
    jz .allocate
    mov rcx, [rax + rtthread.next]
    mov [rt_spare], rcx
    jmp .record
.allocate:
    mov edi, rtthread_size
    call os_alloc
    test rax, rax
    jz .fail
.record:
    mov rbx, rax
    mov rdi, rbx                ; a zeroed record
    mov ecx, rtthread_size / 8
    xor eax, eax
    rep stosq
    mov [rbx + rtthread.fn], r12
    mov [rbx + rtthread.args], r13
    mov rax, UNDEFINED
    mov [rbx + rtthread.target], rax
    mov rdi, THREAD_STACK
    call os_stack_map
    test rax, rax
    jz .no_stack
    mov [rbx + rtthread.stack], rax
    mov [rbx + rtthread.stack_size], rdx
    lea rcx, [rax + THREAD_MARGIN]
    mov [rbx + rtthread.limit], rcx
    lea rcx, [rax + THREAD_MARGIN / 4]
    mov [rbx + rtthread.emergency], rcx
    mov rdi, rbx                ; on the CPU's list: its values are roots from now on
    call rt_link
    lea rdi, [rt_thread_entry]
    mov rsi, rbx
    call os_thread_create
    test rax, rax
    jz .no_thread
    mov [rbx + rtthread.handle], rax
    mov rax, rbx
    jmp .out
.no_thread:
    mov rdi, rbx
    call rt_unlink
    mov rdi, [rbx + rtthread.stack]
    mov rsi, [rbx + rtthread.stack_size]
    call os_stack_unmap
.no_stack:
    mov rdi, rbx
    call rt_spare_record
.fail:
    xor eax, eax
.out:
    pop r13
    pop r12
    pop rbx
    ret

; __rt_thread_new_native(rdi = a runtime routine taking no arguments) → rax: a thread running it (the
; message pump), or 0.
global __rt_thread_new_native
__rt_thread_new_native:
    push rbx
    push rdi
    mov rdi, UNDEFINED
    mov rsi, rdi
    call __rt_thread_new
    pop rdi
    pop rbx
    test rax, rax
    jz .out
    mov [rax + rtthread.native], rdi    ; set before the new thread can run: this one has not switched
.out:
    ret

; rt_thread_entry — the OS thread's entry (rdi = record), on the OS thread's own small stack: moves
; to the record's compiled-code stack and runs THREAD_RUN (runtime/lib/sdk.ts threadRun: calls the
; function, hands the result to its Thread object or the CPU that asked, wakes a joiner). Back on the
; OS stack, gives the compiled stack back, puts the record on the spare list and returns, which ends
; the OS thread.
rt_thread_entry:
    push rbx
    mov rbx, rdi
    mov [rbx + rtthread.kstack], rsp
    call rt_restore             ; waits out a memory call of another thread; sets handler 0, limits
    mov rsp, [rbx + rtthread.stack]
    add rsp, [rbx + rtthread.stack_size]
    xor ebp, ebp                ; the collector's frame walk stops at rbp = 0
    mov rax, [rbx + rtthread.native]
    test rax, rax
    jnz .native
    call THREAD_RUN
    jmp .returned
.native:
    call rax
.returned:
    mov rsp, [rbx + rtthread.kstack]
    mov rdi, [rbx + rtthread.stack]
    mov rsi, [rbx + rtthread.stack_size]
    mov qword [rbx + rtthread.stack], 0
    call os_stack_unmap
    mov rdi, rbx                ; no compiled code runs before the next thread's rt_restore, which
    call rt_unlink              ; names the running record again
    mov rdi, rbx
    call rt_spare_record
    pop rbx
    xor eax, eax
    ret

; rt_link(rdi = record): puts it at the head of rt_threads. Clobbers rax.
rt_link:
    mov rax, [rt_threads]
    mov [rdi + rtthread.next], rax
    mov qword [rdi + rtthread.prev], 0
    mov [rax + rtthread.prev], rdi   ; the list is never empty: main_thread stays on it
    mov [rt_threads], rdi
    ret

; rt_unlink(rdi = record on rt_threads, not main_thread): takes it off. Clobbers rax, rcx.
rt_unlink:
    mov rax, [rdi + rtthread.next]
    mov rcx, [rdi + rtthread.prev]
    test rcx, rcx
    jz .head
    mov [rcx + rtthread.next], rax
    jmp .after
.head:
    mov [rt_threads], rax
.after:
    test rax, rax
    jz .out
    mov [rax + rtthread.prev], rcx
.out:
    ret

; rt_spare_record(rdi = record off every list): onto rt_spare, its handle and values cleared (a later
; __rt_wake of it does nothing). Clobbers rax.
rt_spare_record:
    mov qword [rdi + rtthread.handle], 0
    mov rax, UNDEFINED
    mov [rdi + rtthread.fn], rax
    mov [rdi + rtthread.args], rax
    mov [rdi + rtthread.target], rax
    mov rax, [rt_spare]
    mov [rdi + rtthread.next], rax
    mov [rt_spare], rdi
    ret

section .data
align 8
global rt_critical
rt_critical: dq 0               ; > 0 while a thread of this CPU is inside an OS memory call
rt_sdk_state: dq UNDEFINED      ; value: runtime/lib/sdk.ts's per-CPU state
rt_msg_out: dq 0, 0, 0, 0       ; the message being sent (os_msg_send copies it into the ring)
rt_msg_in: dq 0, 0, 0, 0        ; the message the pump took last
rt_current: dq main_thread      ; the running thread's record
rt_threads: dq main_thread      ; every running thread's record on this CPU (main_thread is the last)
rt_spare: dq 0                  ; records of ended threads, for __rt_thread_new to reuse
main_thread: times rtthread_size db 0   ; the main thread: its stack is the OS layer's
