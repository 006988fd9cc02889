; core.asm — the machine-level core of the runtime, the same for every target: start-up after the OS
; layer's entry (__rt_boot), the heap (bump allocation in a semispace, Cheney copying collection with
; semispaces sized from the live data), string primitives, word-object allocation, write/exit.
; What differs between targets is in the OS layer, one file each: os-linux.asm (system calls) and
; os-toro.asm (the kernel ABI, docs/kernel-abi.md). Its four routines follow System V:
;   os_write(rdi = fd 1|2, rsi = bytes, rdx = count)   writes them all (or gives up on an error)
;   os_exit(rdi = status)                              never returns
;   os_space_map(rdi = bytes, a multiple of 4096)      rax = a fresh semispace or 0, rdx = bytes reserved
;   os_space_unmap(rdi = address, rsi = bytes reserved) gives it back
;
; Heap objects: one header word (bits 0–31 length, 32–39 kind, bit 63 forwarded) then the payload.
; A string's length counts UTF-16 code units (JavaScript's string semantics), stored one byte each
; when every unit is at most 0xFF (Latin-1) or two bytes each when header bit 40 (STRING_WIDE) is set;
; every other kind's counts payload words, and each payload word is
; a value (a double, a special, a reference — or a raw code address, which is never tagged), so the
; collector forwards exactly the words tagged TAG_REF.
;
; Growth policy (see ../README.md "GC"): the from-space is memory from os_space_map. A collection
; maps a fresh to-space big enough for everything the from-space holds plus the pending request,
; copies the live data L into it, unmaps the old from-space, and lets allocation continue up to
; L + max(L, MIN_HEAP) + request. Peak resident memory is therefore about 3L + MIN_HEAP, and the
; heap shrinks again when live data does.
;
; Calling convention: arguments in rdi, rsi, rdx (integers, boxed values as 64-bit words), result in
; rax; every register except rbp and rsp may be clobbered (compiled code keeps nothing live in
; registers across a call, see backend/abi.ts). Leaf routines build no frame; routines that can
; allocate push a frame whose slot count ([rbp-8]) is 0, so the collector's RBP walk passes over them.
;
; Exceptions (see ../README.md "Exceptions"): a `try` pushes a handler record that lives in its own
; frame's slots — [0] previous record, [8] the frame's rbp, [16] the landing address — onto the chain
; headed by __rt_handler. __rt_throw pops the innermost record, leaves the thrown value in
; __rt_exception, restores rbp and jumps to the landing code (which resets rsp from rbp). Compiled
; code keeps nothing in registers across calls, so nothing else needs restoring.
;
; Stack depth: compiled prologues compare rsp with __rt_stack_limit (STACK_MARGIN above the lowest
; address the stack may grow to) and call __rt_stack_overflow below it, which lowers the limit for
; the runtime's own work, creates the RangeError and throws it; every throw restores the limit.
;
; Constants (SEMI, TAG_REF_BITS, KIND_STRING, ...) come as %defines from runtime/core.ts.

bits 64
default rel

extern MAIN, GLOBALS, GLOBAL_COUNT, UNCAUGHT, OVERFLOW, NOT_STRING
extern os_exit, os_write, os_space_map, os_space_unmap   ; the OS layer: os-linux.asm or os-toro.asm
extern os_runtime_ready, os_after_main
extern __rt_thread_roots                         ; threads.asm: the roots of the CPU's other threads

section .text

; __rt_boot(rdi = the lowest address the stack may reach): jumped to by the OS layer's entry
; (os-linux.asm _start, os-toro.asm toro_service_main) with rbp = 0 (the collector's frame walk stops
; there) and rsp 16-byte aligned. Maps the first semispace, sets the stack limits, runs the program's
; main and then what the OS layer does after it (os_after_main: exit with status 0 on Linux and on
; CPU 0 of a Toro VM; on the VM's other CPUs, serve the SDK's messages).
global __rt_boot
__rt_boot:
    lea rax, [rdi + STACK_MARGIN]
    mov [stack_limit_normal], rax
    mov [__rt_stack_limit], rax
    lea rax, [rdi + STACK_MARGIN / 4]
    mov [stack_limit_emergency], rax
    mov rdi, MIN_HEAP
    mov [gc_request], rdi       ; what out_of_memory reports if even this fails
    call map_space
    mov [heap_from], rax
    mov [heap_ptr], rax
    mov [heap_size], rdx
    add rax, MIN_HEAP
    mov [heap_limit], rax
    call os_runtime_ready       ; the OS layer's start-up with a heap (os-toro: CPU 0's message pump)
    call MAIN
    jmp os_after_main           ; exit 0 (os-toro: CPU 0 exits, another CPU serves its messages)

; __rt_exit(rdi = status): never returns.
global __rt_exit
__rt_exit:
    jmp os_exit

; __rt_write(rdi = fd, rsi = string reference): writes the string's code units encoded as UTF-8
; (os_write retries short writes). A surrogate pair is one 4-byte sequence; a lone surrogate becomes
; U+FFFD (EF BF BD), as Node writes it. The encoding goes through a buffer on the stack, flushed
; whenever it might not hold one more code point. Allocates nothing (the string cannot move).
; Register use: r12 fd, r13 next unit, r14 units left, rbx buffer, r15 fill pointer.
WRITE_BUFFER equ 8192
global __rt_write
__rt_write:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: this frame holds no references
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, WRITE_BUFFER       ; rsp stays 16-aligned
    mov r12, rdi
    mov rax, ADDR_MASK
    and rsi, rax
    mov r14d, [rsi]
    lea r13, [rsi + 8]
    mov rbx, rsp
    mov r15, rsp
    test byte [rsi + 5], STRING_WIDE_BYTE
    jnz .next
.narrow:                        ; Latin-1: one or two bytes a unit
    test r14, r14
    jz .done
    lea rax, [rbx + WRITE_BUFFER - 2]
    cmp r15, rax
    jbe .narrow_room
    call .flush
.narrow_room:
    movzx eax, byte [r13]
    inc r13
    dec r14
    cmp eax, 0x80
    jae .narrow_two
    mov [r15], al
    inc r15
    jmp .narrow
.narrow_two:
    mov ecx, eax
    shr ecx, 6
    or ecx, 0xC0
    mov [r15], cl
    and eax, 0x3F
    or eax, 0x80
    mov [r15 + 1], al
    add r15, 2
    jmp .narrow
.next:
    test r14, r14
    jz .done
    lea rax, [rbx + WRITE_BUFFER - 4]
    cmp r15, rax
    jbe .room
    call .flush
.room:
    movzx eax, word [r13]
    add r13, 2
    dec r14
    cmp eax, 0x80
    jae .two
    mov [r15], al
    inc r15
    jmp .next
.two:
    cmp eax, 0x800
    jae .three
    mov ecx, eax
    shr ecx, 6
    or ecx, 0xC0
    mov [r15], cl
    and eax, 0x3F
    or eax, 0x80
    mov [r15 + 1], al
    add r15, 2
    jmp .next
.three:
    mov ecx, eax
    and ecx, 0xF800
    cmp ecx, 0xD800
    jne .encode3                ; not a surrogate
    cmp eax, 0xDC00
    jae .lone                   ; a trailing surrogate with no leading one
    test r14, r14
    jz .lone
    movzx ecx, word [r13]
    mov edx, ecx
    and edx, 0xFC00
    cmp edx, 0xDC00
    jne .lone                   ; a leading surrogate not followed by a trailing one
    add r13, 2
    dec r14
    sub eax, 0xD800             ; code point = 0x10000 + (lead - 0xD800) * 1024 + (trail - 0xDC00)
    shl eax, 10
    sub ecx, 0xDC00
    add eax, ecx
    add eax, 0x10000
    mov ecx, eax
    shr ecx, 18
    or ecx, 0xF0
    mov [r15], cl
    mov ecx, eax
    shr ecx, 12
    and ecx, 0x3F
    or ecx, 0x80
    mov [r15 + 1], cl
    mov ecx, eax
    shr ecx, 6
    and ecx, 0x3F
    or ecx, 0x80
    mov [r15 + 2], cl
    and eax, 0x3F
    or eax, 0x80
    mov [r15 + 3], al
    add r15, 4
    jmp .next
.lone:
    mov eax, 0xFFFD
.encode3:
    mov ecx, eax
    shr ecx, 12
    or ecx, 0xE0
    mov [r15], cl
    mov ecx, eax
    shr ecx, 6
    and ecx, 0x3F
    or ecx, 0x80
    mov [r15 + 1], cl
    and eax, 0x3F
    or eax, 0x80
    mov [r15 + 2], al
    add r15, 3
    jmp .next
.done:
    call .flush
    lea rsp, [rbp - 48]
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    leave
    ret
.flush:                         ; writes [rbx, r15) and empties the buffer
    mov rdx, r15
    sub rdx, rbx
    jz .flushed
    mov rdi, r12
    mov rsi, rbx
    mov r15, rbx
    jmp os_write
.flushed:
    ret

; __rt_throw(rdi = value): never returns. Unwinds to the innermost handler, or reports the
; uncaught value (UNCAUGHT prints it and exits with status 1).
global __rt_throw
__rt_throw:
    mov rax, [stack_limit_normal]
    mov [__rt_stack_limit], rax
    mov rax, [__rt_handler]
    test rax, rax
    jz UNCAUGHT
    mov [__rt_exception], rdi
    mov rcx, [rax]
    mov [__rt_handler], rcx
    mov rbp, [rax + 8]
    mov rsp, rbp                ; the landing code sets its own frame's rsp from rbp
    jmp [rax + 16]

; __rt_stack_overflow: called by a prologue whose rsp is below __rt_stack_limit. The limit drops to
; the emergency one while OVERFLOW builds and throws the RangeError; a second overflow meanwhile is fatal.
global __rt_stack_overflow
__rt_stack_overflow:
    mov rax, [__rt_stack_limit]
    cmp rax, [stack_limit_emergency]
    je .fatal
    mov rax, [stack_limit_emergency]
    mov [__rt_stack_limit], rax
    jmp OVERFLOW
.fatal:
    mov edi, 2
    lea rsi, [overflow_message]
    mov edx, OVERFLOW_MESSAGE_BYTES
    call os_write
    mov edi, 134
    jmp __rt_exit

; __rt_alloc_string(rdi = length) → rax: reference to a new Latin-1 string of that many (unset)
; code units, one byte each: every unit written into it must be at most 0xFF.
global __rt_alloc_string
__rt_alloc_string:
    mov rsi, KIND_STRING << 32
    lea rdx, [rdi + 15]         ; header + a byte a unit, rounded up to 8
    jmp alloc_string

; __rt_alloc_string16(rdi = length) → rax: reference to a new string of that many (unset) code
; units, two bytes each (STRING_WIDE): for units past 0xFF.
global __rt_alloc_string16
__rt_alloc_string16:
    mov rsi, (KIND_STRING << 32) | STRING_WIDE
    lea rdx, [rdi * 2 + 15]     ; header + two bytes a unit, rounded up to 8
    jmp alloc_string

; alloc_string(rdi = length, rsi = header bits, rdx = bytes + 7)
alloc_string:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: this frame holds no references
    or rsi, rdi
    push rsi                    ; the header
    mov rdi, rdx
    and rdi, -8
    call alloc_raw
    pop rcx
    mov [rax], rcx
    mov rcx, TAG_REF_BITS
    or rax, rcx
    leave
    ret

; __rt_alloc_bytes(rdi = length) → rax: reference to a new BYTES object (an ArrayBuffer's backing
; store) of that many raw bytes, all zero. The collector copies it as raw bytes, never scanning it.
global __rt_alloc_bytes
__rt_alloc_bytes:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: this frame holds no references
    push rdi
    lea rdi, [rdi + 15]         ; header + a byte each, rounded up to 8
    and rdi, -8
    push rdi
    call alloc_raw
    pop rcx                     ; bytes occupied
    pop rdx                     ; length
    mov rsi, KIND_BYTES << 32
    or rsi, rdx
    mov [rax], rsi
    lea rdi, [rax + 8]
    sub rcx, 8
    shr rcx, 3
    xor edx, edx
.zero:
    test rcx, rcx
    jz .zeroed
    mov [rdi], rdx
    add rdi, 8
    dec rcx
    jmp .zero
.zeroed:
    mov rcx, TAG_REF_BITS
    or rax, rcx
    leave
    ret

; __rt_bytes_move(rdi = source BYTES, rsi = offset in it, rdx = destination BYTES, rcx = offset in
; it, r8 = count): copies count bytes as memmove does (the two ranges may overlap, in one store or
; two). Leaf; the caller (lib/typed.ts) checked both ranges against the stores' lengths.
global __rt_bytes_move
__rt_bytes_move:
    mov rax, ADDR_MASK
    and rdi, rax
    and rdx, rax
    lea rsi, [rdi + rsi + 8]    ; the source's first byte
    lea rdi, [rdx + rcx + 8]    ; the destination's first byte
    mov rcx, r8
    cmp rdi, rsi
    jbe .forward                ; at or below the source: a forward copy never reads what it wrote
    lea rax, [rsi + rcx]
    cmp rdi, rax
    jae .forward                ; past the source's end: no overlap
    lea rsi, [rsi + rcx - 1]    ; overlapping, destination above: copy from the last byte down
    lea rdi, [rdi + rcx - 1]
    std
    rep movsb
    cld
    ret
.forward:
    rep movsb
    ret

; __rt_alloc_words(rdi = kind, rsi = payload words) → rax: reference to a new object whose payload
; words are all `undefined`.
global __rt_alloc_words
__rt_alloc_words:
    push rbp
    mov rbp, rsp
    push 0                      ; slot count: this frame holds no references
    push rsi
    push rdi
    lea rdi, [rsi * 8 + 8]
    call alloc_raw
    pop rdx                     ; kind
    pop rcx                     ; words
    shl rdx, 32
    or rdx, rcx
    mov [rax], rdx
    lea rdi, [rax + 8]
    mov rdx, UNDEFINED
.fill:
    test rcx, rcx
    jz .filled
    mov [rdi], rdx
    add rdi, 8
    dec rcx
    jmp .fill
.filled:
    mov rcx, TAG_REF_BITS
    or rax, rcx
    leave
    ret

; __rt_header_length(rdi = reference) → rax: any heap object's header length (unchecked: the
; runtime's own word objects).
global __rt_header_length
__rt_header_length:
    mov rax, ADDR_MASK
    and rdi, rax
    mov eax, [rdi]
    ret

; Every string primitive checks that its operand is a string reference before touching memory: a
; value that is not what its static type says (an unsound cast, bivariant parameters) then throws
; NOT_STRING's TypeError instead of reading a wild address; so does an index or copy outside the
; string (only a runtime bug could ask for one). The check keeps rdi..rdx; it leaves the address
; in r8. Jumping to NOT_STRING from a primitive's entry leaves rsp as at a call.
%macro CHECK_STRING 1
    mov r8, %1
    shr r8, 48
    cmp r8d, TAG_REF
    jne .bad
    mov r8, ADDR_MASK
    and r8, %1
    cmp byte [r8 + 4], KIND_STRING
    jne .bad
%endmacro

; __rt_string_length(rdi = string) → rax
global __rt_string_length
__rt_string_length:
    CHECK_STRING rdi
    mov eax, [r8]
    ret
.bad:
    jmp NOT_STRING

; __rt_string_wide(rdi = string) → rax: 1 when its units are stored two bytes each, else 0.
global __rt_string_wide
__rt_string_wide:
    CHECK_STRING rdi
    movzx eax, byte [r8 + 5]
    and eax, STRING_WIDE_BYTE
    ret
.bad:
    jmp NOT_STRING

; __rt_string_unit(rdi = string, rsi = index) → rax: the UTF-16 code unit there (the index is the
; caller's, within bounds)
global __rt_string_unit
__rt_string_unit:
    CHECK_STRING rdi
    mov eax, [r8]
    cmp rsi, rax
    jae .bad
    test byte [r8 + 5], STRING_WIDE_BYTE
    jnz .wide
    movzx eax, byte [r8 + rsi + 8]
    ret
.wide:
    movzx eax, word [r8 + rsi * 2 + 8]
    ret
.bad:
    jmp NOT_STRING

; __rt_string_set_unit(rdi = string, rsi = index, rdx = code unit, 0..0xFFFF): only on strings
; still being built; a unit past 0xFF needs a wide one (__rt_alloc_string16).
global __rt_string_set_unit
__rt_string_set_unit:
    CHECK_STRING rdi
    mov eax, [r8]
    cmp rsi, rax
    jae .bad
    test byte [r8 + 5], STRING_WIDE_BYTE
    jnz .wide
    cmp rdx, 0xFF
    ja .bad
    mov [r8 + rsi + 8], dl
    ret
.wide:
    mov [r8 + rsi * 2 + 8], dx
    ret
.bad:
    jmp NOT_STRING

; __rt_string_hash(rdi = string) → rax: lib/collections.ts's hash of a string key, h = length, then
; h = h·31 + unit for each UTF-16 code unit in 32-bit wrapping arithmetic, and the low 31 bits.
global __rt_string_hash
__rt_string_hash:
    CHECK_STRING rdi
    mov ecx, [r8]               ; units
    mov eax, ecx
    lea rsi, [r8 + 8]
    test byte [r8 + 5], STRING_WIDE_BYTE
    jnz .wide
.byte:
    test rcx, rcx
    jz .done
    imul eax, eax, 31
    movzx edx, byte [rsi]
    add eax, edx
    inc rsi
    dec rcx
    jmp .byte
.wide:
    test rcx, rcx
    jz .done
    imul eax, eax, 31
    movzx edx, word [rsi]
    add eax, edx
    add rsi, 2
    dec rcx
    jmp .wide
.done:
    and eax, 0x7FFFFFFF
    ret
.bad:
    jmp NOT_STRING

; __rt_string_equals(rdi = string, rsi = string) → rax: 1 when both hold the same code units, else 0
; (a Latin-1 string and a wide one can be equal: they are compared unit by unit).
global __rt_string_equals
__rt_string_equals:
    CHECK_STRING rdi
    mov r9, r8
    CHECK_STRING rsi
    mov eax, 1
    cmp r8, r9
    je .same                    ; one string
    mov ecx, [r8]
    cmp ecx, [r9]
    jne .differ
    movzx edx, byte [r8 + 5]    ; dl: the second's width byte, and above it the first's
    movzx eax, byte [r9 + 5]
    shl eax, 8
    or edx, eax
    and edx, STRING_WIDE_BYTE * 0x101
    jz .bytes                   ; both Latin-1
    cmp edx, STRING_WIDE_BYTE * 0x101
    jne .mixed
    add rcx, rcx                ; both wide: twice the bytes
.bytes:
    lea rsi, [r8 + 8]
    lea rdi, [r9 + 8]
    repe cmpsb
    jne .differ
    mov eax, 1
    ret
.mixed:
    test dl, dl                 ; r10 = the Latin-1 one's units, r11 = the wide one's
    jz .first_narrow
    lea r10, [r9 + 8]
    lea r11, [r8 + 8]
    jmp .unit
.first_narrow:
    lea r10, [r8 + 8]
    lea r11, [r9 + 8]
.unit:
    test rcx, rcx
    jz .equal
    movzx eax, byte [r10]
    movzx edx, word [r11]
    cmp eax, edx
    jne .differ
    inc r10
    add r11, 2
    dec rcx
    jmp .unit
.equal:
    mov eax, 1
.same:
    ret
.differ:
    xor eax, eax
    ret
.bad:
    jmp NOT_STRING

; __rt_string_copy(rdi = destination string, rsi = offset in it, rdx = source string)
global __rt_string_copy
__rt_string_copy:
    CHECK_STRING rdi
    xchg rdi, rdx
    CHECK_STRING rdi
    xchg rdi, rdx
    mov r9, rdi                 ; kept tagged for the error path
    mov rax, ADDR_MASK
    and rdi, rax
    and rdx, rax
    mov eax, [rdi]              ; the copy must fit: offset + source length <= destination length
    cmp rsi, rax
    ja .range
    sub rax, rsi
    mov ecx, [rdx]
    cmp rcx, rax
    ja .range
    mov ecx, [rdx]              ; units to copy
    mov al, [rdi + 5]
    mov ah, [rdx + 5]
    and eax, STRING_WIDE_BYTE * 0x101
    jz .bytes                   ; Latin-1 into Latin-1
    cmp eax, STRING_WIDE_BYTE * 0x101
    je .words                   ; wide into wide
    test al, al
    jnz .widen                  ; Latin-1 into wide
    lea rdi, [rdi + rsi + 8]    ; wide into Latin-1: every unit must fit in a byte
    lea rsi, [rdx + 8]
.narrow:
    test rcx, rcx
    jz .copied
    movzx eax, word [rsi]
    cmp eax, 0xFF
    ja .range
    mov [rdi], al
    add rsi, 2
    inc rdi
    dec rcx
    jmp .narrow
.widen:
    lea rdi, [rdi + rsi * 2 + 8]
    lea rsi, [rdx + 8]
.widen_next:
    test rcx, rcx
    jz .copied
    movzx eax, byte [rsi]
    mov [rdi], ax
    inc rsi
    add rdi, 2
    dec rcx
    jmp .widen_next
.words:
    lea rdi, [rdi + rsi * 2 + 8]
    add rcx, rcx                ; two bytes a unit
    lea rsi, [rdx + 8]
    rep movsb
    ret
.bytes:
    lea rdi, [rdi + rsi + 8]
    lea rsi, [rdx + 8]
    rep movsb
.copied:
    ret
.range:
    mov rdi, r9
.bad:
    jmp NOT_STRING

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

; __rt_ref_address(rdi = a reference value) → rax: the object's address now (it changes when the
; collector moves the object; Map/Set hash reference keys by it and rehash after a collection).
global __rt_ref_address
__rt_ref_address:
    mov rax, ADDR_MASK
    and rax, rdi
    ret

; __rt_gc_epoch → rax: how many collections have run (a Map/Set keyed by addresses rehashes when it
; changed).
global __rt_gc_epoch
__rt_gc_epoch:
    mov rax, [__rt_gc_count]
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
    push rdi
    call collect
    pop rdi
    pop rdi
    mov rax, [heap_ptr]
    lea rdx, [rax + rdi]
    cmp rdx, [heap_limit]
    ja out_of_memory
    mov [heap_ptr], rdx
    ret

; collect(rdi = bytes about to be allocated): Cheney's copying collection from the from-space into
; a freshly mapped to-space, which then becomes the from-space (growth policy at the top of the file).
; Roots: every slot of every frame on the RBP chain, then the global slots.
; Register use: r12/r13 old space bounds, r14 free pointer, r15 scan pointer, rbx frame walker and
; payload counter.
collect:
    inc qword [__rt_gc_count]
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [gc_request], rdi
    mov r12, [heap_from]
    mov r13, [heap_ptr]
    mov rdi, r13                ; to-space: 2 × used + request + MIN_HEAP (untouched pages cost nothing)
    sub rdi, r12
    add rdi, rdi
    add rdi, [gc_request]
    add rdi, MIN_HEAP + 4095
    and rdi, -4096
    call os_space_map
    test rax, rax
    jnz .mapped
    mov rdi, r13                ; no room for that: the least that surely holds what survives, and the
    sub rdi, r12                ; request (a VM's memory is finite, and os-toro rounds to powers of two)
    add rdi, [gc_request]
    add rdi, 4095
    and rdi, -4096
    call map_space
.mapped:
    mov [heap_to], rax
    mov [gc_to_size], rdx       ; what the OS reserved (os-toro rounds up to a power of two)
    mov r14, rax
    mov r15, rax
    mov rbx, rbp
    call __rt_gc_frames
.globals:
    mov r9, [GLOBAL_COUNT]
    lea rdi, [GLOBALS]
.global:
    test r9, r9
    jz .threads
    call forward
    add rdi, 8
    dec r9
    jmp .global
.threads:
    call __rt_thread_roots      ; preserves r12-r15, advances r14 through forward
.scan:                          ; strings and bytes hold no references; every other payload word is a value
    cmp r15, r14
    jae .flip
    mov rax, [r15]
    mov rdx, rax
    shr rdx, 32
    cmp dl, KIND_STRING
    je .skip
    cmp dl, KIND_BYTES
    je .skip
    mov ebx, eax                ; payload words
    lea rdi, [r15 + 8]
.word:
    test rbx, rbx
    jz .scanned
    call forward
    add rdi, 8
    dec rbx
    jmp .word
.scanned:
    mov r15, rdi
    jmp .scan
.skip:
    call object_size
    add r15, rcx
    jmp .scan
.flip:
    mov rdi, r12                ; the old from-space goes back to the OS
    mov rsi, [heap_size]
    call os_space_unmap
    mov rax, [heap_to]
    mov [heap_from], rax
    mov [heap_ptr], r14
    mov rcx, r14
    sub rcx, rax
    mov [gc_live], rcx          ; for out_of_memory's report
    mov rcx, [gc_to_size]
    mov [heap_size], rcx
    mov rcx, r14                ; limit = live end + max(live, MIN_HEAP) + request
    sub rcx, rax
    cmp rcx, MIN_HEAP
    jae .headroom
    mov rcx, MIN_HEAP
.headroom:
    add rcx, r14
    add rcx, [gc_request]
    mov rdx, [heap_size]        ; never past the end of the space (a small one from the fallback above)
    add rdx, rax
    cmp rcx, rdx
    cmova rcx, rdx
    mov [heap_limit], rcx
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    ret

; map_space(rdi = bytes, a multiple of 4096) → rax: fresh memory, rdx: bytes reserved (>= rdi).
; Running out is fatal. Preserves rbx, r12-r15 (the OS layer is System V).
map_space:
    call os_space_map
    test rax, rax
    jz out_of_memory
    ret

; __rt_gc_frames(rbx = a frame pointer): forwards every slot of every frame on the RBP chain from there
; (the running thread's from rbp; threads.asm's switched-out threads from their saved rbp). Uses rbx,
; r9, rdi; forward advances r14.
global __rt_gc_frames
__rt_gc_frames:
.frame:
    test rbx, rbx
    jz .done
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
.done:
    ret

; forward(rdi = address of a word): if the word references an object in the old space, copies the
; object (once) and rewrites the word. Preserves rdi, r9, r11, r12, r13, r15; advances r14.
; threads.asm calls it as __rt_gc_forward for the roots it holds.
global __rt_gc_forward
__rt_gc_forward:
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
    mov rdx, rax
    shr rdx, 32
    cmp dl, KIND_BYTES
    je .latin1                  ; raw bytes: one a unit of length
    cmp dl, KIND_STRING
    jne .words
    test dh, STRING_WIDE_BYTE
    jz .latin1
    add rcx, rcx                ; two bytes a unit
.latin1:
    add rcx, 15
    and rcx, -8
    ret
.words:
    lea rcx, [rcx * 8 + 8]
    ret

; out_of_memory — the OS has no memory for the heap to grow into: a fatal error that says how much the
; program holds, then exit 134 (as a crash from running out of memory would). Never returns.
;   toro: out of GC memory: <request> bytes wanted; <live> bytes live after the last collection
;   (<n> collections), heap <size> bytes
out_of_memory:
    sub rsp, 256                ; the message is built here
    mov rdi, rsp
    lea rsi, [oom_message]
    mov ecx, OOM_MESSAGE_BYTES
    rep movsb
    mov rax, [gc_request]
    call append_dec
    lea rsi, [oom_wanted]
    call append_text
    mov rax, [gc_live]
    call append_dec
    lea rsi, [oom_live]
    call append_text
    mov rax, [__rt_gc_count]
    call append_dec
    lea rsi, [oom_heap]
    call append_text
    mov rax, [heap_size]
    call append_dec
    lea rsi, [oom_bytes]
    call append_text
    mov rdx, rdi
    sub rdx, rsp
    mov rsi, rsp
    mov edi, 2
    call os_write
    mov edi, 134
    jmp __rt_exit

; append_dec(rdi = where, rax = unsigned number) → rdi past its decimal digits. Clobbers rax, rcx, rdx, r8.
append_dec:
    mov r8, rdi
    mov ecx, 10
.digit:                         ; least significant first, then reversed in place
    xor edx, edx
    div rcx
    add dl, '0'
    mov [rdi], dl
    inc rdi
    test rax, rax
    jnz .digit
    lea rcx, [rdi - 1]
.reverse:
    cmp r8, rcx
    jae .done
    mov al, [r8]
    mov dl, [rcx]
    mov [r8], dl
    mov [rcx], al
    inc r8
    dec rcx
    jmp .reverse
.done:
    ret

; append_text(rdi = where, rsi = NUL-terminated text) → rdi past it. Clobbers rax, rsi.
append_text:
    mov al, [rsi]
    test al, al
    jz .done
    mov [rdi], al
    inc rdi
    inc rsi
    jmp append_text
.done:
    ret

section .data align=4096

overflow_message: db "toro: stack overflow (fatal)", 10   ; raw bytes for os_write, not a string object
OVERFLOW_MESSAGE_BYTES equ $ - overflow_message
align 8
global __rt_handler, __rt_exception, __rt_stack_limit
__rt_handler: dq 0              ; innermost try's handler record, 0 = none
__rt_exception: dq 0            ; the value being thrown, read by the landing code
__rt_stack_limit: dq 0
global __rt_stack_limit_normal, __rt_stack_limit_emergency  ; the running thread's (threads.asm swaps them)
__rt_stack_limit_normal:
stack_limit_normal: dq 0
__rt_stack_limit_emergency:
stack_limit_emergency: dq 0

oom_message: db "toro: out of GC memory: "
OOM_MESSAGE_BYTES equ $ - oom_message
oom_wanted: db " bytes wanted; ", 0
oom_live: db " bytes live after the last collection (", 0
oom_heap: db " collections), heap ", 0
oom_bytes: db " bytes", 10, 0
align 8
heap_from: dq 0
heap_ptr: dq 0
heap_limit: dq 0
heap_to: dq 0
heap_size: dq 0                 ; bytes mapped for the from-space
gc_request: dq 0
gc_live: dq 0                   ; bytes the last collection kept
gc_to_size: dq 0
global __rt_gc_count
__rt_gc_count: dq 0
global __rt_scratch
__rt_scratch: times SCRATCH_WORDS dq 0
