; hw.asm — the hardware intrinsics of `@toro/hw` (../frontend/hw.ts), --target toro only: what drivers
; compiled into a service use to reach devices. One routine an intrinsic, most of them one instruction.
;
; Calling convention: Toro's (../backend/abi.ts), which for integers is System V's: arguments in RDI,
; RSI, RDX, result in RAX; every register but RBP may be clobbered. Compiled code keeps no value in a
; register across a call, so each call is a compiler barrier and each access happens in program order,
; exactly once (the volatile accesses packages/drivers/src/hw.ts asks for). Memory is identity mapped
; below 4 GiB (the kernel's paging.asm): a physical address is the address to load from.
;
; Constants (ADDR_MASK) come as %defines from runtime/core.ts.

bits 64
default rel

extern toro_page_alloc, toro_cmdline, toro_clock_ns, rt_critical, __rt_switching
extern toro_irq_alloc, toro_irq_route, toro_irq_msi_address, toro_irq_enable, toro_irq_disable
extern toro_irq_take, toro_irq_wait, toro_irq_kick

section .text

; Port I/O: RDI = port, RSI = value.
global __hw_in8, __hw_in16, __hw_in32, __hw_out8, __hw_out16, __hw_out32
__hw_in8:
    mov edx, edi
    in al, dx
    movzx eax, al
    ret
__hw_in16:
    mov edx, edi
    in ax, dx
    movzx eax, ax
    ret
__hw_in32:
    mov edx, edi
    in eax, dx                  ; writing EAX zero-extends into RAX
    ret
__hw_out8:
    mov edx, edi
    mov eax, esi
    out dx, al
    ret
__hw_out16:
    mov edx, edi
    mov eax, esi
    out dx, ax
    ret
__hw_out32:
    mov edx, edi
    mov eax, esi
    out dx, eax
    ret

; Memory-mapped loads and stores: RDI = address, RSI = value. One naturally sized access each.
global __hw_read8, __hw_read16, __hw_read32, __hw_read64
global __hw_write8, __hw_write16, __hw_write32, __hw_write64
__hw_read8:
    movzx eax, byte [rdi]
    ret
__hw_read16:
    movzx eax, word [rdi]
    ret
__hw_read32:
    mov eax, [rdi]
    ret
__hw_read64:
    mov rax, [rdi]
    ret
__hw_write8:
    mov [rdi], sil
    ret
__hw_write16:
    mov [rdi], si
    ret
__hw_write32:
    mov [rdi], esi
    ret
__hw_write64:
    mov [rdi], rsi
    ret

; __hw_barrier — a full fence: earlier stores are visible before later loads (the one order TSO lacks).
global __hw_barrier
__hw_barrier:
    mfence
    ret

; __hw_page_alloc(rdi = pages) → rax: a zeroed block from this CPU's memory (toro_page_alloc rounds up
; to a power of two pages, aligned to its size), or 0. The kernel call may let another thread of this
; CPU run while it borrows memory, so it holds rt_critical as os-toro.asm's memory calls do.
global __hw_page_alloc
__hw_page_alloc:
    push rbx
    mov rbx, rdi
    inc qword [rt_critical]
    call toro_page_alloc
    dec qword [rt_critical]
    test rax, rax
    jz .out
    mov rdx, rax
    mov rdi, rax
    mov rcx, rbx
    shl rcx, 12
    xor eax, eax
    rep stosb                   ; DMA memory starts zeroed (descriptors, rings)
    mov rax, rdx
.out:
    pop rbx
    ret

; __hw_bytes_address(rdi = a Uint8Array value) → rax: the address of its element 0: its store (a BYTES
; object: header, then the bytes) plus its byteOffset. The caller (machine-hw.ts) has checked its type
; and the range it copies; the address stays valid until the next allocation (the collector moves).
; TYPED payload: [0] element kind, [1] length, [2] byteOffset (a double), [3] store (../backend/abi.ts).
global __hw_bytes_address
__hw_bytes_address:
    mov rax, ADDR_MASK
    and rdi, rax
    cvttsd2si rcx, [rdi + 8 + 2 * 8]
    mov rdx, [rdi + 8 + 3 * 8]
    and rdx, rax
    lea rax, [rdx + 8 + rcx]
    ret

; __hw_copy(rdi = destination, rsi = source, rdx = bytes): a forward byte copy (no allocation).
global __hw_copy
__hw_copy:
    mov rcx, rdx
    rep movsb
    ret

; __hw_cmdline → rax: the kernel command line's address (NUL-terminated), or 0.
; __hw_clock_ns → rax: monotonic nanoseconds since boot.
global __hw_cmdline, __hw_clock_ns
__hw_cmdline:
    jmp toro_cmdline
__hw_clock_ns:
    jmp toro_clock_ns

; Device interrupts (the kernel's irq.asm, docs/kernel-abi.md): vectors of the calling CPU. The kernel
; answers in EAX (-1 for an error); each result is sign-extended so that compiled code reads -1.
; __hw_irq_alloc → a vector for an MSI / MSI-X message, or -1.
; __hw_irq_route(rdi = GSI) → the vector that I/O APIC pin now raises on this CPU, or -1.
; __hw_irq_msi_address → the MSI address that targets this CPU.
; __hw_irq_enable / __hw_irq_disable(rdi = vector) → 0, or -1: whether it ends __hw_irq_wait.
; __hw_irq_take(rdi = vector) → 1 if it arrived since the last take, 0 if not, -1 if not a vector of ours.
; __hw_irq_wait(rdi = ns) → 1 (a vector or a kick), 0 (time up), -1 (another thread waits): lets the
;   CPU's other threads run meanwhile, so it is a switching call (threads.asm).
; __hw_irq_kick: ends this CPU's __hw_irq_wait early.
%macro IRQ_CALL 2                       ; intrinsic, kernel entry
global %1
%1:
    call %2
    movsxd rax, eax
    ret
%endmacro
IRQ_CALL __hw_irq_alloc, toro_irq_alloc
IRQ_CALL __hw_irq_route, toro_irq_route
IRQ_CALL __hw_irq_enable, toro_irq_enable
IRQ_CALL __hw_irq_disable, toro_irq_disable
IRQ_CALL __hw_irq_take, toro_irq_take

global __hw_irq_msi_address, __hw_irq_wait, __hw_irq_kick
__hw_irq_msi_address:
    call toro_irq_msi_address
    mov eax, eax                ; an address below 4 GiB: zero-extended
    ret
__hw_irq_wait:
    lea r11, [irq_wait_signed]
    jmp __rt_switching
irq_wait_signed:
    call toro_irq_wait
    movsxd rax, eax
    ret
__hw_irq_kick:
    jmp toro_irq_kick
