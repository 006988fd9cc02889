; irq.asm — device interrupts: vectors for MSI / MSI-X messages and I/O APIC pins, an arrival record per
; CPU, and the wait a driver's thread sleeps in until one of its vectors fires.
;
; Each CPU hands out its own vectors (VEC_DEVICE_FIRST … VEC_DEVICE_LAST; the IDT is shared, the vector
; numbers are per CPU). A device interrupt only records its arrival: irq_device sets the vector's bit in
; the CPU's mech.irq_pending and sends the EOI. The driver's work happens in its own thread, which asks
; irq_take whether a vector fired, and which may sleep in irq_wait until an *enabled* vector of its CPU
; fired (or irq_kick, or a deadline): interrupts when idle, polling under load.
;
; Threads run with interrupts off (sched.asm): the handler runs only inside the idle loop's `hlt`, when
; no thread is half-way through the bitmaps, so they need no lock; a message that arrived while
; interrupts were off stays pending in the local APIC and ends the next `hlt` at once.
;
; The I/O APIC's register window is shared by every CPU: irq_route programs it at device bring-up, and
; two CPUs must not route pins at the same moment (each device is brought up by the CPU it is dedicated
; to, one at a time). Pins are edge-triggered, active high, fixed delivery to one APIC id: a level source
; (virtio-mmio's line stays up until its interrupt status is acknowledged) then interrupts once per rise,
; and a driver acknowledges before it polls, so an event after the acknowledgement raises the line again.
;
; Calling convention: System V (kernel.asm). All routines act on the calling CPU's vectors.

%define VEC_DEVICE_FIRST 0x50          ; %defines: the stubs' %rep needs them in the preprocessor
%define VEC_DEVICE_LAST  0xDF
%define VEC_DEVICE_COUNT (VEC_DEVICE_LAST - VEC_DEVICE_FIRST + 1)
IRQ_STUB_SIZE    equ 16

IOAPIC_INDEX     equ 0x00               ; register select (dword)
IOAPIC_DATA      equ 0x10               ; register window (dword)
IOAPIC_REG_VER   equ 0x01               ; bits 23:16: the highest redirection entry
IOAPIC_REG_REDIR equ 0x10               ; entry n: low dword at 0x10 + 2n, high dword (destination) above
MSI_ADDRESS      equ 0xFEE00000         ; MSI address: this, OR the destination APIC id << 12

section .text
bits 64

; One stub per device vector, IRQ_STUB_SIZE bytes apart (idt_init installs them): push the vector and
; join irq_device.
align 16
irq_device_stubs:
%assign vec VEC_DEVICE_FIRST
%rep VEC_DEVICE_COUNT
  align IRQ_STUB_SIZE
  push vec                              ; imm8 or imm32, sign-extended: positive either way
  jmp irq_device
%assign vec vec + 1
%endrep

; irq_device — a device vector arrived on this CPU (its number on the stack): EOI, record it, return.
irq_device:
  push rax
  push rcx
  push rdx
  cld
  call apic_eoi
  mov rax, [rsp + 3 * 8]                ; the vector the stub pushed
  mov rcx, [gs:percpu.mech]
  bts [rcx + mech.irq_pending], rax     ; a bit string: vector v is bit v%64 of qword v/64
  inc qword [rcx + mech.irq_count]
  pop rdx
  pop rcx
  pop rax
  add rsp, 8
  iretq

; irq_install — points the IDT's device vectors at their stubs (idt_init, once). Clobbers the
; caller-saved registers.
irq_install:
  push rbx
  mov ebx, VEC_DEVICE_FIRST
.gate:
  mov edi, ebx
  lea esi, [ebx - VEC_DEVICE_FIRST]
  shl esi, 4                            ; * IRQ_STUB_SIZE
  add rsi, irq_device_stubs
  mov edx, IST_IRQ
  call idt_set
  inc ebx
  cmp ebx, VEC_DEVICE_LAST
  jbe .gate
  pop rbx
  ret

; irq_alloc — EAX = a free device vector of this CPU, now its own (disabled, nothing pending); -1 when
; every one is taken. Clobbers RAX, RCX, RDX, R8.
irq_alloc:
  mov r8, [gs:percpu.mech]
  mov eax, VEC_DEVICE_FIRST
.look:
  bt [r8 + mech.irq_used], rax
  jnc .take
  inc eax
  cmp eax, VEC_DEVICE_LAST
  jbe .look
  mov eax, -1
  ret
.take:
  bts [r8 + mech.irq_used], rax
  btr [r8 + mech.irq_enabled], rax
  btr [r8 + mech.irq_pending], rax
  ret

; irq_mine — CF clear and EAX = EDI when EDI is a device vector this CPU handed out; CF set otherwise.
; Clobbers RAX, R8.
irq_mine:
  mov eax, edi
  cmp eax, VEC_DEVICE_FIRST
  jb .no
  cmp eax, VEC_DEVICE_LAST
  ja .no
  mov r8, [gs:percpu.mech]
  bt [r8 + mech.irq_used], rax
  cmc                                   ; used (CF=1) -> mine (CF=0)
  ret
.no:
  stc
  ret

; irq_enable / irq_disable — EDI = a vector of this CPU: whether its arrival ends an irq_wait (an arrival
; while disabled is still recorded for irq_take). EAX = 0; -1 when EDI is not this CPU's vector.
irq_enable:
  call irq_mine
  jc irq_bad
  bts [r8 + mech.irq_enabled], rax
  xor eax, eax
  ret
irq_disable:
  call irq_mine
  jc irq_bad
  btr [r8 + mech.irq_enabled], rax
  xor eax, eax
  ret
irq_bad:
  mov eax, -1
  ret

; irq_take — EDI = a vector of this CPU: EAX = 1 if it arrived since the last irq_take (the record is
; cleared), else 0; -1 when EDI is not this CPU's vector.
irq_take:
  call irq_mine
  jc irq_bad
  btr [r8 + mech.irq_pending], rax
  setc al
  movzx eax, al
  ret

; irq_msi_address — EAX = the MSI address that targets this CPU (its APIC id in bits 19:12; physical
; destination mode, no redirection hint). The message data is the vector: fixed delivery, edge.
irq_msi_address:
  mov eax, [gs:percpu.apic_id]
  shl eax, 12
  or eax, MSI_ADDRESS
  ret

; irq_route — EDI = a global system interrupt (an I/O APIC input). Hands out a vector of this CPU and
; routes the pin to it (edge, active high, fixed delivery to this CPU's APIC id, unmasked). EAX = the
; vector; -1 when no I/O APIC has the pin or no vector is left. Clobbers the caller-saved registers.
irq_route:
  push rbx
  push r12
  mov r12d, edi
  xor ebx, ebx
.ioapic:
  cmp ebx, [ioapic_count]
  jae .none
  imul eax, ebx, ioapic_size
  mov ecx, r12d
  sub ecx, [ioapics + rax + ioapic.gsi_base]
  jb .next                              ; below this one's first pin
  mov rdx, [ioapics + rax + ioapic.address]
  mov dword [rdx + IOAPIC_INDEX], IOAPIC_REG_VER
  mov eax, [rdx + IOAPIC_DATA]
  shr eax, 16
  movzx eax, al                         ; the highest entry
  cmp ecx, eax
  jbe .found
.next:
  inc ebx
  jmp .ioapic
.found:                                 ; RDX: its window, ECX: the pin
  mov ebx, ecx
  mov r12, rdx
  call irq_alloc
  cmp eax, -1
  je .out
  lea ecx, [ebx * 2 + IOAPIC_REG_REDIR + 1]
  mov edx, [gs:percpu.apic_id]
  shl edx, 24
  mov [r12 + IOAPIC_INDEX], ecx         ; destination first, while the entry is still masked
  mov [r12 + IOAPIC_DATA], edx
  dec ecx
  mov [r12 + IOAPIC_INDEX], ecx
  mov [r12 + IOAPIC_DATA], eax          ; the vector; every other bit 0: fixed, physical, high, edge, unmasked
  jmp .out
.none:
  mov eax, -1
.out:
  pop r12
  pop rbx
  ret

; irq_ready — EAX = 1 when an enabled vector of this CPU is pending or an irq_kick is waiting to be seen,
; else 0. Clobbers RAX, RCX, R8.
irq_ready:
  mov r8, [gs:percpu.mech]
  mov eax, 1
  cmp qword [r8 + mech.irq_kicked], 0
  jne .done
  xor ecx, ecx
.word:
  mov rax, [r8 + mech.irq_pending + rcx * 8]
  and rax, [r8 + mech.irq_enabled + rcx * 8]
  jnz .yes
  inc ecx
  cmp ecx, 4
  jb .word
  xor eax, eax
  ret
.yes:
  mov eax, 1
.done:
  ret

; irq_wait — sleeps the calling thread until an enabled vector of this CPU is pending, irq_kick names
; the CPU, or RDI nanoseconds have passed. EAX = 1 for a vector or a kick (the kick is consumed; pending
; vectors stay recorded for irq_take), 0 when the time ran out, -1 when another thread of this CPU is
; already waiting (one waiter per CPU: the driver's). Returns at once when a vector is pending already.
; Clobbers the caller-saved registers.
irq_wait:
  push rbx
  mov rbx, rdi
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.irq_waiter], 0
  jne .busy
  call irq_ready
  test eax, eax
  jnz .seen
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.current]
  mov [r8 + mech.irq_waiter], rax
  mov rdi, rbx
  call thread_sleep                     ; irq_poll ends it early
  mov r8, [gs:percpu.mech]
  mov qword [r8 + mech.irq_waiter], 0
  call irq_ready
.seen:
  mov r8, [gs:percpu.mech]
  mov qword [r8 + mech.irq_kicked], 0
  pop rbx
  ret
.busy:
  mov eax, -1
  pop rbx
  ret

; irq_kick — ends this CPU's irq_wait early (its result is 1); with nobody waiting, the next irq_wait
; returns at once. For a thread of the driver's CPU that gave its driver work. Clobbers the
; caller-saved registers.
irq_kick:
  mov r8, [gs:percpu.mech]
  mov qword [r8 + mech.irq_kicked], 1
  jmp irq_poll

; irq_poll — the scheduler's part (sched_poll, irq_kick): when the CPU's irq waiter still sleeps and
; irq_ready, it is taken off the timer queue and made ready. Clobbers the caller-saved registers.
irq_poll:
  mov r8, [gs:percpu.mech]
  mov rdi, [r8 + mech.irq_waiter]
  test rdi, rdi
  jz .done
  cmp dword [rdi + thread.state], THREAD_SLEEPING
  jne .done                             ; its deadline woke it already
  push rdi
  call irq_ready
  pop rdi
  test eax, eax
  jz .done
  jmp sched_wake_sleeper
.done:
  ret
