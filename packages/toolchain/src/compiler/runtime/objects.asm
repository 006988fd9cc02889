; objects.asm — the fast paths of property lookup (lib/object.ts and lib/classes.ts hold the whole
; semantics). An OBJECT is [class, keys, values, count] (backend/abi.ts HEAP): a dictionary in insertion
; order whose keys are interned strings, and a class instance finds its methods on the prototypes up
; its class chain. These routines answer the common cases — an own data property, a method or a value
; on a prototype — without leaving assembly, and hand every other case (a getter, an error's pending
; stack, a missing property, a value that is not an object) to the TypeScript function that the
; compiled code would otherwise have called, by a tail jump with the arguments as they came.
;
; Calling convention: Toro's (backend/abi.ts): arguments in rdi, rsi, rdx, result in rax; everything
; but rbp and rsp may be clobbered. Each is a leaf that allocates nothing, so no collection can move
; an object while it holds an address.
;
; Constants (TAG_REF, ADDR_MASK, KIND_*) and the TypeScript targets (OBJECT_GET,
; OBJECT_METHOD) come as %defines from runtime/core.ts.

bits 64
default rel

extern OBJECT_GET, OBJECT_METHOD
extern __rt_string_equals                       ; core.asm

section .text

; __rt_object_find(rdi = OBJECT, rsi = key string) → rax: the index of that key among the object's
; own properties, or -1 when it has none. Every caller has an OBJECT and a string. Keys are interned,
; so identity settles nearly every lookup; an equal string from another compilation unit (the
; runtime's own literals, a computed or parsed key) is found on a second pass by content, where the
; header (length and kind) rejects most keys at once and core.asm's __rt_string_equals compares the
; rest (whatever their widths).
global __rt_object_find
__rt_object_find:
    mov rax, ADDR_MASK
    and rdi, rax
    mov r8, [rdi + 8 + 8]       ; payload [1]: the keys, a WORDS object
    and r8, rax
    add r8, 8                   ; its first word
    movq xmm0, [rdi + 8 + 24]   ; payload [3]: the count, a number
    cvttsd2si rcx, xmm0
    xor eax, eax
.by_identity:
    cmp rax, rcx
    jae .by_content
    cmp [r8 + rax * 8], rsi
    je .found
    inc rax
    jmp .by_identity
.by_content:
    mov r9, ADDR_MASK
    and r9, rsi
    mov r10, [r9]               ; the key's header
    xor eax, eax
.next:
    cmp rax, rcx
    jae .missing
    mov rdx, [r8 + rax * 8]
    mov r11, rdx
    shr r11, 48
    cmp r11d, TAG_REF
    jne .skip
    mov r11, ADDR_MASK
    and r11, rdx
    mov r11, [r11]
    xor r11, r10
    shl r11, 24                 ; header bits 0–39: length and kind
    jnz .skip
    push rax                    ; a candidate: its units decide
    push rcx
    push rsi
    push r8
    push r10
    mov rdi, rdx
    call __rt_string_equals     ; clobbers rcx, rsi, rdi, r8–r10
    mov r11, rax
    pop r10
    pop r8
    pop rsi
    pop rcx
    pop rax
    test r11, r11
    jnz .found
.skip:
    inc rax
    jmp .next
.found:
    ret
.missing:
    mov rax, -1
    ret

; obj_lookup(rdi = any value, rsi = key string) → edx = 1 and rax = the value of that property when
; it is an own property of an OBJECT or sits on a prototype of its class chain and is not an accessor
; pair or an error's pending stack (WORDS); else edx = 0, and the caller takes the slow path.
obj_lookup:
    mov rax, rdi
    shr rax, 48
    cmp eax, TAG_REF
    jne .slow
    mov rax, ADDR_MASK
    and rax, rdi
    cmp byte [rax + 4], KIND_OBJECT
    jne .slow
    push rax                    ; [rsp + 8]: the dictionary searched (the object, then prototypes)
    push rsi                    ; [rsp]: the key
    mov rdi, rax
    call __rt_object_find
    cmp rax, -1
    jne .found
    mov rax, [rsp + 8]
    mov rax, [rax + 8]          ; payload [0]: the object's class, or null
.class:
    mov rcx, rax
    shr rcx, 48
    cmp ecx, TAG_REF
    jne .give_up                ; the end of the chain: missing, which rt.object.get answers
    mov rcx, ADDR_MASK
    and rax, rcx
    cmp byte [rax + 4], KIND_CLASS
    jne .give_up
    mov rdi, [rax + 8 + 16]     ; class payload [2]: the prototype, an OBJECT
    and rdi, rcx
    mov [rsp + 8], rdi
    push rax                    ; the class, for its parent
    mov rsi, [rsp + 8]
    call __rt_object_find
    pop rcx
    cmp rax, -1
    jne .found
    mov rax, [rcx + 8 + 8]      ; class payload [1]: the parent class, or null
    jmp .class
.found:
    mov rcx, [rsp + 8]
    mov rcx, [rcx + 8 + 16]     ; payload [2]: the values
    mov rdx, ADDR_MASK
    and rcx, rdx
    mov rax, [rcx + 8 + rax * 8]
    mov rcx, rax                ; a WORDS value: an accessor pair or a pending stack
    shr rcx, 48
    cmp ecx, TAG_REF
    jne .value
    mov rcx, rax
    and rcx, rdx
    cmp byte [rcx + 4], KIND_WORDS
    je .give_up
.value:
    add rsp, 16
    mov edx, 1
    ret
.give_up:
    add rsp, 16
.slow:
    xor edx, edx
    ret

; __rt_object_get(rdi = value, rsi = key string) → rax: `value.key`, as rt.object.get answers it.
global __rt_object_get
__rt_object_get:
    push rdi
    push rsi
    call obj_lookup
    pop rsi
    pop rdi
    test edx, edx
    jz .slow
    ret
.slow:
    jmp OBJECT_GET

; __rt_object_method(rdi = value, rsi = key string, rdx = the callee's text) → rax: the function
; `value.key(...)` calls, as rt.object.method answers it (which throws when it is not one).
global __rt_object_method
__rt_object_method:
    push rdi
    push rsi
    push rdx
    call obj_lookup
    mov r8, rax
    mov r9d, edx
    pop rdx
    pop rsi
    pop rdi
    test r9d, r9d
    jz .slow
    mov rcx, r8                 ; a closure, or the slow path's TypeError
    shr rcx, 48
    cmp ecx, TAG_REF
    jne .slow
    mov rcx, ADDR_MASK
    and rcx, r8
    cmp byte [rcx + 4], KIND_CLOSURE
    jne .slow
    mov rax, r8
    ret
.slow:
    jmp OBJECT_METHOD
