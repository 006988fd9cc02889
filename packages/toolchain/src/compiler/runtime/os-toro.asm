; os-toro.asm — the runtime's OS layer for --target toro: the service's entry and the four os_*
; routines core.asm calls (its header states them), on the kernel ABI (docs/kernel-abi.md). The
; service is linked with the kernel; these are plain calls, in ring 0, with no system call.
;
; Calling convention: System V, as the kernel's; the kernel preserves rbx, rbp, r12-r15 (core.asm's
; collector relies on that across os_map/os_unmap) and may clobber every XMM register in calls that
; switch threads, which compiled code already treats as clobbered.
;
; Constants (STACK_PAGES) come as %defines from runtime/core.ts.

bits 64
default rel

extern __rt_boot, __rt_exit, __rt_thread_main_handle, __rt_thread_new_native, PUMP
extern toro_console_write, toro_exit, toro_page_alloc, toro_page_free, toro_panic
extern toro_cpu_count, toro_cpu_id, toro_cpu_node, toro_node_count, toro_node_mem
extern toro_thread_self, toro_thread_sleep, toro_thread_yield, toro_thread_create, toro_thread_block, toro_thread_wake
extern toro_alloc, toro_free, toro_msg_send, toro_msg_recv, toro_msg_flush
extern rt_critical

section .text

; toro_service_main — the kernel's service thread on the boot CPU jumps here (cpu_main.asm,
; service_main). A kernel thread's stack is small (28 KiB), so compiled code runs on a stack of its
; own: STACK_PAGES pages from this CPU's memory. Its depth is bounded by the prologues' limit check
; (a RangeError), not by a guard page. Never returns: __rt_boot ends in toro_exit.
; toro_service_ap — the same on every other CPU (cpu_main.asm starts it on each CPU that has its own
; copy of the service's data): that CPU's runtime runs the module's top-level code and then serves
; the SDK's messages (os_after_main).
global toro_service_main, toro_service_ap
toro_service_main:
toro_service_ap:
    call toro_thread_self       ; main's OS thread, for threads.asm to wake
    mov rdi, rax
    call __rt_thread_main_handle
    mov edi, STACK_PAGES
    call toro_page_alloc
    test rax, rax
    jz .no_stack
    lea rsp, [rax + STACK_PAGES * 4096]
    xor ebp, ebp                ; the collector's frame walk stops at rbp = 0
    mov rdi, rax
    jmp __rt_boot
.no_stack:
    lea rdi, [no_stack_message]
    call toro_panic

; os_runtime_ready — the heap is there, main is about to run: CPU 0 starts its message pump as a
; thread of its own (the other CPUs run theirs once their top-level code is done: os_after_main).
global os_runtime_ready, os_after_main
os_runtime_ready:
    call toro_cpu_id
    test eax, eax
    jnz .done
    lea rdi, [PUMP]
    call __rt_thread_new_native
.done:
    ret

; os_after_main — CPU 0's main returned: the service's exit code is 0 (runtime/lib/process.ts exits
; sooner with main's own). Any other CPU: its top-level code is done; it serves messages for good.
os_after_main:
    call toro_cpu_id
    test eax, eax
    jnz PUMP
    xor edi, edi
    jmp __rt_exit

; os_msg_send(rdi = CPU, rsi = 4 words: type, a, b, c) / os_msg_recv(rdi = 32-byte buffer) → rax = source.
global os_msg_send, os_msg_recv
os_msg_send:
    mov rax, rsi
    mov rsi, [rax]
    mov rdx, [rax + 8]
    mov rcx, [rax + 16]
    mov r8, [rax + 24]
    call toro_msg_send
    jmp toro_msg_flush          ; wake the destination now: its pump may be the one to answer us
os_msg_recv:
    jmp toro_msg_recv

; os_write: both streams go to the console (fd is ignored: there is one serial line).
global os_write
os_write:
    mov rdi, rsi
    mov rsi, rdx
    jmp toro_console_write

global os_exit
os_exit:
    jmp toro_exit

; The memory calls: each may let other threads of the CPU run (the kernel waits while it borrows a
; block from another CPU, or while the ring a remote free travels on is full), so each raises
; rt_critical (threads.asm) for its duration: no other thread of compiled code runs until it drops.
%macro CRITICAL 1
    inc qword [rt_critical]
    call %1
    dec qword [rt_critical]
%endmacro

; os_map: a block of toro_page_alloc, whose sizes are powers of two pages; rdx says how much it is.
global os_map
os_map:
    shr rdi, 12                 ; pages
    mov eax, 1
    cmp rdi, 1
    jbe .sized
    lea rcx, [rdi - 1]
    bsr rcx, rcx
    inc ecx                     ; ceil(log2(pages))
    shl rax, cl
.sized:
    mov rdi, rax
    push rax
    push rax
    CRITICAL toro_page_alloc    ; 0 when the node has no block that large (or it is over the ABI's limit)
    pop rdx
    pop rdx
    shl rdx, 12
    ret

global os_unmap
os_unmap:
    shr rsi, 12
    CRITICAL toro_page_free
    ret

; os_alloc(rdi = bytes, at most 2048) → rax: a small block, or 0. os_free(rdi = block).
global os_alloc, os_free
os_alloc:
    CRITICAL toro_alloc
    ret
os_free:
    CRITICAL toro_free
    ret

; Threads (threads.asm): detached kernel threads of this CPU; block/wake as the kernel's.
global os_thread_create, os_thread_block, os_thread_wake
os_thread_create:
    mov edx, 1                  ; detached: threads.asm keeps what outlives the thread
    jmp toro_thread_create
os_thread_block:
    jmp toro_thread_block
os_thread_wake:
    jmp toro_thread_wake

; The machine as the SDK sees it (runtime/lib/sdk.ts), straight from the kernel.
global os_cpu_count, os_cpu_id, os_cpu_node, os_node_count, os_sleep_ns, os_yield
os_cpu_count:
    jmp toro_cpu_count
os_cpu_id:
    jmp toro_cpu_id
os_cpu_node:
    jmp toro_cpu_node
os_node_count:
    jmp toro_node_count
os_sleep_ns:
    jmp toro_thread_sleep
os_yield:
    jmp toro_thread_yield

; os_node_mem(rdi = node, rsi = 1 total | 0 free) → rax bytes (toro_node_mem gives free in rax, total in rdx).
global os_node_mem
os_node_mem:
    push rsi
    call toro_node_mem
    pop rsi
    test rsi, rsi
    cmovnz rax, rdx
    ret

section .rodata
no_stack_message: db "no memory for the service's stack", 0
