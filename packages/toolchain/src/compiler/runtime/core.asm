; core.asm — the machine-level core of the runtime for --target linux: process entry, the heap
; (bump allocation in a semispace, Cheney copying collection), string primitives, write/exit.
;
; Calling convention: arguments in rdi, rsi, rdx (integers, boxed values as 64-bit words), result in
; rax; every register except rbp and rsp may be clobbered (compiled code keeps nothing live in
; registers across a call, see backend/abi.ts). Leaf routines build no frame; routines that can
; allocate push a frame whose slot count ([rbp-8]) is 0, so the collector's RBP walk passes over them.
;
; Constants (SEMI, TAG_REF_BITS, KIND_STRING, ...) come as %defines from runtime/core.ts.

bits 64
default rel

extern MAIN, GLOBALS, GLOBAL_COUNT

section .text

; Process entry: the kernel starts us with rsp pointing at argc, no frame, no red-zone promises.
global _start
_start:
    xor ebp, ebp                ; the collector's frame walk stops at rbp = 0
    and rsp, -16
    mov eax, SYS_MMAP           ; both semispaces in one anonymous private mapping
    xor edi, edi
    mov rsi, SEMI * 2
    mov edx, 3                  ; PROT_READ | PROT_WRITE
    mov r10d, 0x22              ; MAP_PRIVATE | MAP_ANONYMOUS
    mov r8, -1
    xor r9d, r9d
    syscall
    test rax, rax
    js out_of_memory
    mov [heap_from], rax
    mov [heap_ptr], rax
    mov rcx, SEMI
    add rcx, rax
    mov [heap_limit], rcx
    mov [heap_to], rcx
    call MAIN
    xor edi, edi
    jmp __rt_exit

; __rt_exit(rdi = status): never returns.
global __rt_exit
__rt_exit:
    mov eax, SYS_EXIT_GROUP
    syscall
    ud2

; __rt_write(rdi = fd, rsi = string reference): writes every byte, retrying short writes.
global __rt_write
__rt_write:
    mov rax, ADDR_MASK
    and rsi, rax
    mov edx, [rsi]
    add rsi, 8
.more:
    test rdx, rdx
    jz .done
    mov eax, SYS_WRITE
    syscall                     ; preserves rdi, rsi, rdx (clobbers rcx, r11)
    test rax, rax
    js .done
    add rsi, rax
    sub rdx, rax
    jmp .more
.done:
    ret

; __rt_alloc_string(rdi = length) → rax: reference to a new string of that many (unset) bytes.
global __rt_alloc_string
__rt_alloc_string:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: this frame holds no references
    push rdi
    add rdi, 15                 ; header + bytes, rounded up to 8
    and rdi, -8
    call alloc_raw
    pop rcx
    mov rdx, KIND_STRING << 32
    or rdx, rcx
    mov [rax], rdx
    mov rcx, TAG_REF_BITS
    or rax, rcx
    leave
    ret

; __rt_string_length(rdi = string) → rax
global __rt_string_length
__rt_string_length:
    mov rax, ADDR_MASK
    and rdi, rax
    mov eax, [rdi]
    ret

; __rt_string_byte(rdi = string, rsi = index) → rax
global __rt_string_byte
__rt_string_byte:
    mov rax, ADDR_MASK
    and rdi, rax
    movzx eax, byte [rdi + rsi + 8]
    ret

; __rt_string_set_byte(rdi = string, rsi = index, rdx = byte): only on strings still being built.
global __rt_string_set_byte
__rt_string_set_byte:
    mov rax, ADDR_MASK
    and rdi, rax
    mov [rdi + rsi + 8], dl
    ret

; __rt_string_copy(rdi = destination string, rsi = offset in it, rdx = source string)
global __rt_string_copy
__rt_string_copy:
    mov rax, ADDR_MASK
    and rdi, rax
    and rdx, rax
    lea rdi, [rdi + rsi + 8]
    mov ecx, [rdx]
    lea rsi, [rdx + 8]
    rep movsb
    ret

; __rt_toint32(rdi = double bits) → rax: ECMAScript ToInt32, sign-extended to 64 bits.
global __rt_toint32
__rt_toint32:
    movq xmm0, rdi
    cvttsd2si rax, xmm0
    mov rcx, 0x8000000000000000 ; "integer indefinite": NaN, infinity, or |x| >= 2^63
    cmp rax, rcx
    jne .done
    mov rax, 0x3DF0000000000000 ; 2^-32: x - 2^32 * floor(x / 2^32) is exact, in [0, 2^32)
    movq xmm1, rax
    mulsd xmm1, xmm0
    roundsd xmm1, xmm1, 9
    mov rax, 0x41F0000000000000 ; 2^32
    movq xmm2, rax
    mulsd xmm1, xmm2
    subsd xmm0, xmm1            ; NaN for NaN and infinities: the conversion then gives 0 below
    cvttsd2si rax, xmm0
.done:
    movsxd rax, eax
    ret

; __rt_tagof(rdi = value) → rax: 0 number, 1 undefined, 2 null, 3 boolean, 4 string.
global __rt_tagof
__rt_tagof:
    mov rax, rdi
    shr rax, 48
    cmp eax, TAG_SPECIAL
    jb .number
    je .special
    mov rax, ADDR_MASK
    and rdi, rax
    movzx eax, byte [rdi + 4]   ; header kind (KIND_STRING = 1)
    add eax, 3
    ret
.number:
    xor eax, eax
    ret
.special:
    mov eax, edi
    and eax, 3
    cmp eax, 2
    jae .boolean
    inc eax
    ret
.boolean:
    mov eax, 3
    ret

; alloc_raw(rdi = bytes, a multiple of 8) → rax: address. Collects when the semispace is full; the
; caller must have built a frame (the collector starts its walk at rbp).
alloc_raw:
    mov rax, [heap_ptr]
    lea rdx, [rax + rdi]
    cmp rdx, [heap_limit]
    ja .collect
    mov [heap_ptr], rdx
    ret
.collect:
    push rdi
    call collect
    pop rdi
    mov rax, [heap_ptr]
    lea rdx, [rax + rdi]
    cmp rdx, [heap_limit]
    ja out_of_memory
    mov [heap_ptr], rdx
    ret

; collect: Cheney's copying collection from heap_from into heap_to, then the spaces swap.
; Roots: every slot of every frame on the RBP chain, then the global slots.
; Register use: r12/r13 old space bounds, r14 free pointer, r15 scan pointer, rbx frame walker.
collect:
    inc qword [__rt_gc_count]
    mov r12, [heap_from]
    mov r13, SEMI
    add r13, r12
    mov r14, [heap_to]
    mov r15, r14
    mov rbx, rbp
.frame:
    test rbx, rbx
    jz .globals
    mov r9, [rbx - 8]           ; slot count
    lea rdi, [rbx - 16]         ; slot 0
.slot:
    test r9, r9
    jz .next_frame
    call forward
    sub rdi, 8
    dec r9
    jmp .slot
.next_frame:
    mov rbx, [rbx]
    jmp .frame
.globals:
    mov r9, [GLOBAL_COUNT]
    lea rdi, [GLOBALS]
.global:
    test r9, r9
    jz .scan
    call forward
    add rdi, 8
    dec r9
    jmp .global
.scan:                          ; strings hold no references: scanning only steps over objects
    cmp r15, r14
    jae .flip
    mov rax, [r15]
    call object_size
    add r15, rcx
    jmp .scan
.flip:
    mov rax, [heap_to]
    mov [heap_from], rax
    mov [heap_ptr], r14
    mov rcx, SEMI
    add rcx, rax
    mov [heap_limit], rcx
    mov [heap_to], r12
    ret

; forward(rdi = address of a word): if the word references an object in the old space, copies the
; object (once) and rewrites the word. Preserves rdi, r9, r12, r13, r15; advances r14.
forward:
    mov rax, [rdi]
    mov rdx, rax
    shr rdx, 48
    cmp edx, TAG_REF
    jne .keep
    mov rsi, ADDR_MASK
    and rsi, rax
    cmp rsi, r12                ; static objects (string literals) are outside the heap
    jb .keep
    cmp rsi, r13
    jae .keep
    mov rax, [rsi]
    bt rax, 63
    jnc .copy
    mov rdx, ADDR_MASK
    and rax, rdx
    jmp .rewrite
.copy:
    call object_size
    mov r8, rsi
    mov r10, rdi
    mov rdi, r14
    rep movsb
    mov rax, r14
    mov r14, rdi                ; rep movsb left rdi at the end of the copy
    mov rdi, r10
    mov rdx, rax
    bts rdx, 63
    mov [r8], rdx               ; the old header becomes the forwarding address
.rewrite:
    mov rdx, TAG_REF_BITS
    or rax, rdx
    mov [rdi], rax
.keep:
    ret

; object_size(rax = header) → rcx: bytes the object occupies (header included, multiple of 8).
object_size:
    mov ecx, eax
    add rcx, 15
    and rcx, -8
    ret

out_of_memory:
    mov edi, 2
    lea rsi, [oom_message]
    mov rax, TAG_REF_BITS
    or rsi, rax
    call __rt_write
    mov edi, 134
    jmp __rt_exit

section .data align=4096

oom_message: dq 23 | (KIND_STRING << 32)
    db "toro: out of GC memory", 10, 0
align 8
heap_from: dq 0
heap_ptr: dq 0
heap_limit: dq 0
heap_to: dq 0
global __rt_gc_count
__rt_gc_count: dq 0
global __rt_scratch
__rt_scratch: times SCRATCH_WORDS dq 0
