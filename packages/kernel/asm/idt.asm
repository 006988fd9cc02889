; idt.asm — the interrupt descriptor table (one, shared by every CPU) and the interrupt entry points.
;
; Vectors:
;   0-31        exceptions: a 16-byte stub each pushes (error code or 0) and the vector, then
;               fault_entry saves every register and calls fault_report (fault.asm), which never returns
;               — except a #PF that stack_fault (stack_window.asm) answers by mapping a stack page: the
;               registers come back and the faulting instruction runs again.
;               NMI, #DF, #MC and #PF run on their own IST stacks (percpu.asm), so a stack overflow
;               (a #PF on the guard page) is still reported. A CPU reporting a fault stops the others
;               with an NMI (fault_report halts on it).
;   VEC_TIMER   LAPIC timer (IST_IRQ): EOI, then B's `timer_tick` once the armed deadline has passed
;   VEC_WAKE    ipi_wake: EOI only; its purpose is to end a `hlt`
;   VEC_DEVICE_FIRST … VEC_DEVICE_LAST  device interrupts (irq.asm): EOI, record the arrival
;   VEC_SPURIOUS  no EOI (the SDM says a spurious interrupt is not in service)
;   others      unexpected: EOI and return
; Interrupt handlers save the general registers the System V convention lets callees clobber, not the
; SSE/AVX state: code they call (timer_tick) must not touch XMM/YMM registers.
; idt_init runs once (BSP); idt_load on every CPU.

struc fault_frame                       ; what fault_entry leaves on the stack, lowest address first
  .rax:    resq 1
  .rbx:    resq 1
  .rcx:    resq 1
  .rdx:    resq 1
  .rsi:    resq 1
  .rdi:    resq 1
  .rbp:    resq 1
  .r8:     resq 1
  .r9:     resq 1
  .r10:    resq 1
  .r11:    resq 1
  .r12:    resq 1
  .r13:    resq 1
  .r14:    resq 1
  .r15:    resq 1
  .vector: resq 1                       ; pushed by the stub
  .error:  resq 1                       ; the CPU's error code, or 0 pushed by the stub
  .rip:    resq 1                       ; the CPU's interrupt frame
  .cs:     resq 1
  .rflags: resq 1
  .rsp:    resq 1
  .ss:     resq 1
endstruc

IDT_GATE_INTERRUPT equ 0x8E             ; present, DPL 0, 64-bit interrupt gate (IF cleared on entry)
APIC_EOI_REG       equ 0xB0

section .text
bits 64

; Exception stubs, 16 bytes apart so idt_init finds stub v at exception_stubs + v * 16.
align 16
exception_stubs:
%assign vec 0
%rep 32
  align 16
  %if vec = 8 || vec = 10 || vec = 11 || vec = 12 || vec = 13 || vec = 14 || vec = 17 || vec = 21 || vec = 29 || vec = 30
  %else
  push 0                                ; no error code from the CPU: keep the frame's shape
  %endif
  push vec
  jmp fault_entry
  %assign vec vec + 1
%endrep

fault_entry:
  push r15
  push r14
  push r13
  push r12
  push r11
  push r10
  push r9
  push r8
  push rbp
  push rdi
  push rsi
  push rdx
  push rcx
  push rbx
  push rax
  cld
  mov rdi, rsp
  cmp qword [rdi + fault_frame.vector], 14
  jne .fatal
  mov rbx, rsp                          ; a #PF may be the first touch of a lazily mapped stack page
  and rsp, -16
  call stack_fault                      ; (stack_window.asm): then the instruction runs again
  mov rsp, rbx
  test eax, eax
  jz .report
  pop rax
  pop rbx
  pop rcx
  pop rdx
  pop rsi
  pop rdi
  pop rbp
  pop r8
  pop r9
  pop r10
  pop r11
  pop r12
  pop r13
  pop r14
  pop r15
  add rsp, 16                           ; the vector and the error code
  iretq
.report:
  mov rdi, rsp
.fatal:
  and rsp, -16
  call fault_report                     ; never returns

; The LAPIC timer fired. timer_arm may have had to arm it short of the deadline (the LAPIC counter is
; 32 bits), so fire timer_tick only once the deadline has really passed, and otherwise arm again.
irq_timer:
  push rax
  push rcx
  push rdx
  push rsi
  push rdi
  push r8
  push r9
  push r10
  push r11
  cld
  inc dword [timer_probe_irqs]
  call apic_eoi
  mov rdi, [gs:percpu.timer_deadline]
  test rdi, rdi
  jz .done                              ; disarmed since: a stale expiry
  call clock_ns
  mov rdi, [gs:percpu.timer_deadline]
  cmp rax, rdi
  jb .early
  mov qword [gs:percpu.timer_deadline], 0
  call timer_tick
  jmp .done
.early:
  call timer_arm
.done:
  pop r11
  pop r10
  pop r9
  pop r8
  pop rdi
  pop rsi
  pop rdx
  pop rcx
  pop rax
  iretq

irq_wake:
irq_unexpected:
  push rax
  push rcx
  push rdx
  call apic_eoi
  pop rdx
  pop rcx
  pop rax
  iretq

irq_spurious:
  iretq

; idt_init — fills the IDT: exceptions, the kernel's interrupt vectors, everything else "unexpected".
idt_init:
  push rbx
  xor ebx, ebx
.fill:
  mov edi, ebx
  mov rsi, irq_unexpected
  xor edx, edx
  call idt_set
  inc ebx
  cmp ebx, 256
  jb .fill
  xor ebx, ebx
.exception:
  mov edi, ebx
  mov rsi, rbx
  shl rsi, 4
  add rsi, exception_stubs
  xor edx, edx
  cmp ebx, 2
  jne .not_nmi
  mov edx, IST_NMI
.not_nmi:
  cmp ebx, 8
  jne .not_df
  mov edx, IST_DF
.not_df:
  cmp ebx, 18
  jne .not_mc
  mov edx, IST_MC
.not_mc:
  cmp ebx, 14
  jne .not_pf
  mov edx, IST_PF
.not_pf:
  call idt_set
  inc ebx
  cmp ebx, 32
  jb .exception
  mov edi, VEC_TIMER
  mov rsi, irq_timer
  mov edx, IST_IRQ
  call idt_set
  mov edi, VEC_WAKE
  mov rsi, irq_wake
  mov edx, IST_IRQ
  call idt_set
  mov edi, VEC_SPURIOUS
  mov rsi, irq_spurious
  mov edx, IST_IRQ
  call idt_set
  call irq_install
  pop rbx
  ret

; idt_set — gate EDI := interrupt gate to RSI, on IST slot EDX (0 = the current stack).
idt_set:
  shl edi, 4
  add rdi, idt
  mov eax, esi
  mov [rdi], ax                         ; offset 15:0
  mov word [rdi + 2], GDT_CODE64
  mov [rdi + 4], dl                     ; IST index
  mov byte [rdi + 5], IDT_GATE_INTERRUPT
  shr eax, 16
  mov [rdi + 6], ax                     ; offset 31:16
  mov rax, rsi
  shr rax, 32
  mov [rdi + 8], eax                    ; offset 63:32
  mov dword [rdi + 12], 0
  ret

; idt_load — loads the shared IDT on this CPU. Clobbers nothing.
idt_load:
  lidt [idt_descriptor]
  ret

section .data
align 8
idt_descriptor:
  dw 256 * 16 - 1
  dq idt

section .bss
alignb 16
idt: resb 256 * 16
