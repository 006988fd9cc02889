; os-toro.asm — the runtime's OS layer for --target toro: the service's entry and the four os_*
; routines core.asm calls (its header states them), on the kernel ABI (docs/kernel-abi.md). The
; service is linked with the kernel; these are plain calls, in ring 0, with no system call.
;
; Calling convention: System V, as the kernel's; the kernel preserves rbx, rbp, r12-r15 (core.asm's
; collector relies on that across os_map/os_unmap) and may clobber every XMM register in calls that
; switch threads, which compiled code already treats as clobbered.
;
; Constants (STACK_PAGES, PUMP, MSG_CONSOLE, MSG_EXIT) come as %defines from runtime/core.ts.

bits 64
default rel

extern __rt_boot, __rt_exit, __rt_thread_main_handle, __rt_thread_new_native, PUMP
extern toro_console_write, toro_exit, toro_page_alloc, toro_page_free, toro_panic
extern toro_stack_map, toro_stack_unmap, toro_space_map, toro_space_unmap
extern toro_cpu_count, toro_cpu_id, toro_cpu_node, toro_node_count, toro_node_mem
extern toro_thread_self, toro_thread_sleep, toro_thread_yield, toro_thread_create, toro_thread_block, toro_thread_wake
extern toro_alloc, toro_free, toro_msg_send, toro_msg_recv, toro_msg_flush, toro_wall_clock_ns
extern rt_critical, __rt_block_alloc, __rt_block_free

; CRITICAL — a kernel call that may let other threads of the CPU run in the middle of the runtime's
; work (a memory call: the kernel waits while it borrows a block from another CPU, or while the ring
; a remote free travels on is full; a console message while the ring to the owner is full) raises
; rt_critical (threads.asm) for its duration: no other thread of compiled code runs until it drops.
%macro CRITICAL 1
    inc qword [rt_critical]
    call %1
    dec qword [rt_critical]
%endmacro

section .text

; toro_service_main — the kernel's service thread on the boot CPU jumps here (cpu_main.asm,
; service_main). Compiled code's main thread runs on a stack of its own: STACK_PAGES pages from
; this CPU's memory, mapped at once (spawned threads' stacks are lazily committed: threads.asm). Its depth is bounded by the prologues' limit check
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

; The console belongs to one CPU (rt_console_owner, CPU 0 until the SDK's dedicate moves it; each CPU
; keeps its own copy of the variable): the owner writes, every other CPU sends its bytes to the owner's
; message pump (MSG_CONSOLE, one message per write, so a line written at once is never cut). Stopping
; the machine goes through the owner too (MSG_EXIT), behind everything already sent, so no line is lost.
; Both stdout and stderr are the console (there is one serial line); fd is ignored.
;
; The message is sent inside CRITICAL: the kernel may make this thread wait while the ring to the owner
; is full, and __rt_write (core.asm) holds a pointer into a heap string across this call, so no other
; thread of compiled code may run (and collect) meanwhile.
global os_write
os_write:
    call toro_cpu_id
    cmp eax, [rt_console_owner]
    jne .send
    mov rdi, rsi
    mov rsi, rdx
    jmp toro_console_write
.send:
    push rbx
    push r12
    push r13
    mov r12, rsi                ; bytes
    mov r13, rdx                ; count
    lea rdi, [r13 + 16]         ; [0] the block's size, [8] the count, then the bytes
    call __rt_block_alloc       ; its memory calls are CRITICAL themselves
    test rax, rax
    jz .drop                    ; no memory even for a message: the bytes are lost, nothing else breaks
    mov rbx, rax
    mov [rbx + 8], r13
    lea rdi, [rbx + 16]
    mov rsi, r12
    mov rcx, r13
    rep movsb
    mov edi, [rt_console_owner]
    mov esi, MSG_CONSOLE
    mov rdx, rbx
    xor ecx, ecx
    xor r8d, r8d
    CRITICAL toro_msg_send
    call toro_msg_flush
.drop:
    pop r13
    pop r12
    pop rbx
    ret

; os_exit(rdi = status): the console's owner powers off; any other CPU asks the owner to (after the
; lines it already sent), then waits for the end.
global os_exit
os_exit:
    push rdi
    call toro_cpu_id
    pop rdi
    cmp eax, [rt_console_owner]
    jne .ask
    jmp toro_exit
.ask:
    mov rdx, rdi
    mov edi, [rt_console_owner]
    mov esi, MSG_EXIT
    xor ecx, ecx
    xor r8d, r8d
    CRITICAL toro_msg_send
    call toro_msg_flush
.wait:
    call toro_thread_block      ; never woken: the machine stops
    jmp .wait

; os_console_block(rdi = a block os_write sent) — the owner's pump writes it and frees it.
; os_console_owner(rdi = CPU) — the SDK's dedicate (MSG_OWNER): this CPU's idea of the owner.
global os_console_block, os_console_owner
os_console_block:
    push rbx
    mov rbx, rdi
    lea rdi, [rbx + 16]
    mov rsi, [rbx + 8]
    call toro_console_write
    mov rdi, rbx
    call __rt_block_free
    pop rbx
    ret
os_console_owner:
    mov [rt_console_owner], edi
    ret

; os_wall_clock_ms → rax: whole milliseconds since 1970 (the kernel's wall clock).
global os_wall_clock_ms
os_wall_clock_ms:
    call toro_wall_clock_ns
    xor edx, edx
    mov ecx, 1000000
    div rcx
    ret

; os_uncaught_banner — before an uncaught error's report: which CPU it escaped on (as `toro dev` says).
global os_uncaught_banner
os_uncaught_banner:
    call toro_cpu_id
    lea rdi, [banner_digits + 4]
    mov ecx, 10
.digit:                         ; the CPU number's digits, backwards into banner_digits
    xor edx, edx
    div ecx
    add dl, '0'
    dec rdi
    mov [rdi], dl
    test eax, eax
    jnz .digit
    lea rsi, [banner_line + banner_len]
.append:
    mov al, [rdi]
    mov [rsi], al
    inc rsi
    inc rdi
    cmp rdi, banner_digits + 4
    jb .append
    mov word [rsi], `:\n`
    lea rdx, [rsi + 2]
    lea rsi, [banner_line]
    sub rdx, rsi
    mov edi, 2
    jmp os_write

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

; os_space_map(rdi = bytes) → rax: a collector semispace, rdx = its bytes, or 0. First a space of the
; kernel's window (toro_space_map: contiguous addresses over whatever pages of this CPU's memory are
; free, so a fragmented memory still gives a large semispace), failing that a block of os_map (one
; power-of-two block, which may be borrowed from another CPU of the node). os_space_unmap(rdi = such a
; semispace, rsi = its bytes) tells the two apart by address: the window lies above 512 GiB, the
; identity-mapped memory below. Spaces never switch; os_map may (only when borrowing).
global os_space_map, os_space_unmap
os_space_map:
    push rdi
    push rdi
    call toro_space_map
    pop rdi
    pop rdi
    test rax, rax
    jz os_map
    ret
os_space_unmap:
    mov rax, rdi
    shr rax, 39                 ; the PML4 entry: 0 is the identity map, the windows are above
    jz os_unmap
    jmp toro_space_unmap

; os_stack_map(rdi = bytes) → rax: a thread's compiled-code stack, rdx = its bytes (at least rdi), or 0:
; the kernel's lazily committed stacks (a page takes memory when first touched). os_stack_unmap(rdi =
; such a stack, rsi = its bytes), on the CPU that made it. Neither switches (the window takes only
; this CPU's own pages), so no other thread can run in the middle.
global os_stack_map, os_stack_unmap
os_stack_map:
    jmp toro_stack_map
os_stack_unmap:
    jmp toro_stack_unmap

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

section .data
align 8
rt_console_owner: dd 0, 0       ; the CPU that writes the console (this CPU's copy, see os_write)
banner_line: db "toro: uncaught error on CPU "
banner_len equ $ - banner_line
    times 8 db 0                ; the number, ':' and newline
banner_digits: times 8 db 0

section .rodata
no_stack_message: db "no memory for the service's stack", 0
