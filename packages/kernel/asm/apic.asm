; apic.asm — the local APIC: xAPIC through MMIO, or x2APIC through MSRs when the firmware left it on.
;
; Routines: System V convention (kernel.asm); the register accessors clobber only RAX, RCX, RDX (and
; RSI/RDI as arguments). The BSP's apic_init decides the mode for every CPU (apic_x2, apic_mmio);
; the APs follow it. IPIs are sent with interrupts off around the two ICR writes of xAPIC mode, so an
; interrupt handler that sends one in between cannot mix its destination with ours.

APIC_REG_ID        equ 0x20
APIC_REG_TPR       equ 0x80
APIC_REG_EOI       equ 0xB0
APIC_REG_SVR       equ 0xF0
APIC_REG_ICR_LOW   equ 0x300
APIC_REG_ICR_HIGH  equ 0x310
APIC_REG_LVT_TIMER equ 0x320
APIC_REG_LVT_ERROR equ 0x370
APIC_REG_TIMER_INIT equ 0x380
APIC_REG_TIMER_CUR equ 0x390
APIC_REG_TIMER_DIV equ 0x3E0
APIC_SVR_ENABLE    equ 1 << 8
APIC_LVT_MASKED    equ 1 << 16
APIC_TIMER_TSC_DEADLINE equ 2 << 17
APIC_TIMER_DIV_16  equ 0x3
APIC_ICR_PENDING   equ 1 << 12
APIC_ICR_INIT      equ 0x4500           ; INIT, level assert
APIC_ICR_STARTUP   equ 0x4600           ; STARTUP, level assert; OR the page number of the start code
APIC_ICR_FIXED     equ 0x4000           ; fixed delivery, level assert; OR the vector
APIC_ICR_NMI       equ 0x4400           ; NMI delivery, level assert (the vector is ignored)
APIC_ICR_ALL_BUT_SELF equ 3 << 18
X2APIC_MSR_BASE    equ 0x800            ; x2APIC register r is MSR 0x800 + r / 16
X2APIC_MSR_ICR     equ 0x830
PIC_MASTER_DATA    equ 0x21
PIC_SLAVE_DATA     equ 0xA1
APIC_ICR_WAIT      equ 1000000          ; polls of the delivery-status bit before giving up

section .text
bits 64

; apic_read — EAX = local APIC register EDI (xAPIC offset).
apic_read:
  cmp byte [apic_x2], 0
  jne .msr
  mov rax, [apic_mmio]
  mov eax, [rax + rdi]
  ret
.msr:
  mov ecx, edi
  shr ecx, 4
  add ecx, X2APIC_MSR_BASE
  rdmsr
  ret

; apic_write — local APIC register EDI (xAPIC offset) := ESI.
apic_write:
  cmp byte [apic_x2], 0
  jne .msr
  mov rax, [apic_mmio]
  mov [rax + rdi], esi
  ret
.msr:
  mov ecx, edi
  shr ecx, 4
  add ecx, X2APIC_MSR_BASE
  mov eax, esi
  xor edx, edx
  wrmsr
  ret

; apic_eoi — signals the end of the interrupt being serviced. Clobbers RAX, RCX, RDX only.
apic_eoi:
  push rsi
  push rdi
  mov edi, APIC_REG_EOI
  xor esi, esi
  call apic_write
  pop rdi
  pop rsi
  ret

; apic_init — enables this CPU's local APIC: spurious vector, TPR 0, timer and error LVTs masked.
; On the BSP (first call) it also records the mode and MMIO base for everyone.
apic_init:
  mov ecx, MSR_APIC_BASE
  rdmsr
  cmp byte [apic_ready], 0
  jne .follow
  test eax, APIC_BASE_X2APIC
  setnz byte [apic_x2]
  mov esi, eax
  and esi, ~0xFFF
  mov [apic_mmio], esi
  mov [apic_mmio + 4], edx
  ; The 8259 PICs (q35) would deliver legacy IRQs on vectors that are exceptions here: mask them all.
  ; Without a PIC (microvm) the writes go nowhere.
  mov esi, eax
  mov al, 0xFF
  out PIC_MASTER_DATA, al
  out PIC_SLAVE_DATA, al
  mov eax, esi
  jmp .enable
.follow:                                ; an AP after INIT is in xAPIC mode: switch if the BSP is in x2
  cmp byte [apic_x2], 0
  je .enable
  or eax, APIC_BASE_ENABLE
  wrmsr
  or eax, APIC_BASE_X2APIC
.enable:
  or eax, APIC_BASE_ENABLE
  wrmsr
  mov edi, APIC_REG_SVR
  mov esi, APIC_SVR_ENABLE | VEC_SPURIOUS
  call apic_write
  mov edi, APIC_REG_TPR
  xor esi, esi
  call apic_write
  mov edi, APIC_REG_LVT_ERROR
  mov esi, APIC_LVT_MASKED
  call apic_write
  mov edi, APIC_REG_TIMER_DIV
  mov esi, APIC_TIMER_DIV_16
  call apic_write
  mov edi, APIC_REG_LVT_TIMER
  mov esi, APIC_LVT_MASKED | VEC_TIMER
  call apic_write
  mov byte [apic_ready], 1
  ret

; apic_timer_enable — unmasks this CPU's timer in the mode time_init chose (TSC-deadline or one-shot).
apic_timer_enable:
  mov esi, VEC_TIMER
  cmp byte [timer_tsc_deadline], 0
  je .write
  or esi, APIC_TIMER_TSC_DEADLINE
.write:
  mov edi, APIC_REG_LVT_TIMER
  jmp apic_write

; apic_id — EAX = this CPU's APIC id.
apic_id:
  mov edi, APIC_REG_ID
  call apic_read
  cmp byte [apic_x2], 0
  jne .done
  shr eax, 24
.done:
  ret

; apic_send_ipi — sends ICR low word ESI (vector, delivery mode, shorthand) to APIC id EDI.
; EAX = 1 when handed to the APIC, 0 when the previous IPI never left (xAPIC delivery status stuck).
apic_send_ipi:
  pushfq
  cli
  cmp byte [apic_x2], 0
  jne .x2
  mov rax, [apic_mmio]
  mov ecx, APIC_ICR_WAIT
.idle:
  test dword [rax + APIC_REG_ICR_LOW], APIC_ICR_PENDING
  jz .send
  pause
  dec ecx
  jnz .idle
  popfq
  xor eax, eax
  ret
.send:
  shl edi, 24
  mov [rax + APIC_REG_ICR_HIGH], edi
  mov [rax + APIC_REG_ICR_LOW], esi     ; this write sends it
  jmp .sent
.x2:
  mov edx, edi
  mov eax, esi
  mov ecx, X2APIC_MSR_ICR
  wrmsr
.sent:
  popfq
  mov eax, 1
  ret

; ipi_wake — wakes CPU EDI (cpu_id) out of hlt with the VEC_WAKE interrupt. Callable from any CPU with
; interrupts on or off; its only effect on the target is that interrupt.
ipi_wake:
  mov eax, edi
  mov rax, [percpu_blocks + rax * 8]
  mov edi, [rax + percpu.apic_id]
  mov esi, APIC_ICR_FIXED | VEC_WAKE
  jmp apic_send_ipi

; apic_halt_others — stops every other CPU with an NMI, which arrives even where interrupts are off
; (fault_report sees the NMI while a report is under way and halts); nothing happens before apic_init.
apic_halt_others:
  cmp byte [apic_ready], 0
  je .done
  xor edi, edi
  mov esi, APIC_ICR_NMI | APIC_ICR_ALL_BUT_SELF
  call apic_send_ipi
.done:
  ret

; apic_wake_others — VEC_WAKE to every other CPU (the end of SMP bring-up).
apic_wake_others:
  xor edi, edi
  mov esi, APIC_ICR_FIXED | APIC_ICR_ALL_BUT_SELF | VEC_WAKE
  jmp apic_send_ipi

section .data
align 8
apic_mmio:   dq 0                       ; xAPIC register page (identity-mapped)
apic_x2:     db 0                       ; 1: x2APIC mode, registers are MSRs
apic_ready:  db 0                       ; the BSP's apic_init has run
