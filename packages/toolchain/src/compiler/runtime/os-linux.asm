; os-linux.asm — the runtime's OS layer for --target linux: the process entry and the four os_*
; routines core.asm calls (its header states them), on Linux x86-64 system calls. No libc.
;
; Calling convention: System V. A syscall clobbers rcx and r11 and returns in rax; every routine
; here preserves rbx, rbp and r12-r15, as core.asm's collector relies on.
;
; Constants (SYS_*, STACK_MAX) come as %defines from runtime/core.ts.

bits 64
default rel

extern __rt_boot

section .text

; Process entry: Linux starts us with rsp pointing at argc, no frame, no red-zone promises. The main
; thread's stack grows on demand down to RLIMIT_STACK; compiled code uses at most STACK_MAX of it.
global _start
_start:
    xor ebp, ebp                ; the collector's frame walk stops at rbp = 0
    and rsp, -16
    mov eax, SYS_GETRLIMIT
    mov edi, 3                  ; RLIMIT_STACK
    lea rsi, [rlimit]
    syscall
    mov rax, [rlimit]
    test rax, rax
    js .default                 ; an error, or RLIM_INFINITY
    cmp rax, STACK_MAX
    jbe .sized
.default:
    mov rax, STACK_MAX
.sized:
    mov rdi, rsp
    sub rdi, rax
    jmp __rt_boot

global os_exit
os_exit:
    mov eax, SYS_EXIT_GROUP
    syscall
    ud2

; os_write: retries short writes; stops on an error (a closed pipe: nothing more can be done).
global os_write
os_write:
.more:
    test rdx, rdx
    jz .done
    mov eax, SYS_WRITE
    syscall                     ; preserves rdi, rsi, rdx
    test rax, rax
    js .done
    add rsi, rax
    sub rdx, rax
    jmp .more
.done:
    ret

; os_map: a private anonymous mapping; pages are touched (and backed) only when used.
global os_map
os_map:
    push rdi
    mov rsi, rdi
    mov eax, SYS_MMAP
    xor edi, edi
    mov edx, 3                  ; PROT_READ | PROT_WRITE
    mov r10d, 0x4022            ; MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
    mov r8, -1
    xor r9d, r9d
    syscall
    pop rdx                     ; bytes reserved: exactly what was asked
    test rax, rax
    jns .done
    xor eax, eax                ; -errno: report failure as 0
.done:
    ret

global os_unmap
os_unmap:
    mov eax, SYS_MUNMAP
    syscall
    ret

; os_stack_map / os_stack_unmap: a thread's stack is such a mapping too (Linux commits it as touched), and
; so is a collector semispace (os_space_map / os_space_unmap).
global os_stack_map, os_stack_unmap, os_space_map, os_space_unmap
os_stack_map:
os_space_map:
    jmp os_map
os_stack_unmap:
os_space_unmap:
    jmp os_unmap

; The machine as the SDK sees it (runtime/lib/sdk.ts): one CPU (0) in one node (0).
global os_cpu_count, os_node_count
os_cpu_count:
os_node_count:
    mov eax, 1
    ret

global os_cpu_id, os_cpu_node
os_cpu_id:
os_cpu_node:
    xor eax, eax
    ret

; os_node_mem(rdi = node, rsi = 1 total | 0 free) → rax bytes: the host's RAM, from sysinfo(2).
global os_node_mem
os_node_mem:
    push rsi
    sub rsp, 128                ; struct sysinfo (112 bytes), kept 16-byte aligned
    mov eax, SYS_SYSINFO
    mov rdi, rsp
    syscall
    mov ecx, [rsp + 104]        ; mem_unit
    mov rax, [rsp + 40]         ; freeram
    cmp qword [rsp + 128], 0
    je .scaled
    mov rax, [rsp + 32]         ; totalram
.scaled:
    imul rax, rcx
    add rsp, 136
    ret

; os_sleep_ns(rdi = nanoseconds): nanosleep(2), resumed after a signal until the time is up.
global os_sleep_ns
os_sleep_ns:
    sub rsp, 40                 ; request and remainder timespecs
    mov rax, rdi
    xor edx, edx
    mov ecx, 1000000000
    div rcx
    mov [rsp], rax              ; seconds
    mov [rsp + 8], rdx          ; nanoseconds
.again:
    mov eax, SYS_NANOSLEEP
    mov rdi, rsp
    lea rsi, [rsp + 16]
    syscall
    cmp rax, -4                 ; EINTR: sleep for what remains
    jne .done
    mov rax, [rsp + 16]
    mov [rsp], rax
    mov rax, [rsp + 24]
    mov [rsp + 8], rax
    jmp .again
.done:
    add rsp, 40
    ret

global os_yield
os_yield:
    mov eax, SYS_SCHED_YIELD
    syscall
    ret

; A Linux process has one CPU: nothing to start with the heap, and main's return ends it (status 0).
global os_runtime_ready, os_after_main
os_runtime_ready:
    ret
os_after_main:
    xor edi, edi
    jmp os_exit

; The console: a process writes its own (no owner to route to, no banner before an uncaught error).
global os_console_block, os_console_owner, os_uncaught_banner
os_console_block:
os_console_owner:
os_uncaught_banner:
    ret

; os_wall_clock_ms → rax: whole milliseconds since 1970, from clock_gettime(CLOCK_REALTIME).
global os_wall_clock_ms
os_wall_clock_ms:
    sub rsp, 24
    mov eax, SYS_CLOCK_GETTIME
    xor edi, edi                ; CLOCK_REALTIME
    mov rsi, rsp
    syscall
    mov rax, [rsp]              ; seconds
    imul rax, rax, 1000
    mov rcx, rax
    mov rax, [rsp + 8]          ; nanoseconds
    xor edx, edx
    mov r8d, 1000000
    div r8
    add rax, rcx
    add rsp, 24
    ret

; Messages between CPUs: there is no other CPU (runtime/lib/sdk.ts never sends on Linux).
global os_msg_send, os_msg_recv
os_msg_send:
os_msg_recv:
    mov rax, -1
    ret

; Threads: a Linux build runs one thread of compiled code (the SDK's spawn needs --target toro, and
; says so): creating one fails, and blocking or waking has nothing to do.
global os_thread_create, os_thread_block, os_thread_wake
os_thread_create:
    xor eax, eax
    ret
os_thread_block:
os_thread_wake:
    ret

; os_alloc(rdi = bytes, at most 2048) → rax: a page of its own (rare: thread records). os_free: kept.
global os_alloc, os_free
os_alloc:
    mov edi, 4096
    call os_map
    ret
os_free:
    ret

section .data
align 8
rlimit: dq 0, 0
