; faulttest.asm — deliberate faults for the fault-report tests (self-test image only, -DSELFTEST).
;
; `fault=<kind>` on the command line makes fault_selftest (called by kmain once every CPU is up) raise:
;   pf     a read of address 0x10 (page 0 is unmapped)          faulting instruction: fault_test_pf.fault
;   de     a division by zero                                    fault_test_de.fault
;   ud     ud2                                                   fault_test_ud.fault
;   stack  unbounded recursion until the guard page under the stack is hit   inside fault_test_stack
;   wtext  a write into .text (read-only)                         fault_test_wtext.fault, CR2 = its target
;   wro    a write into .rodata (read-only)                       fault_test_wro.fault
;   nx     a call into .data (no-execute)                         RIP = CR2 = fault_nx_target
;   ap     CPU 1 reads address 0x10 in an interrupt handler (VEC_FAULT_TEST)   fault_test_ap.fault
;          while the BSP sleeps: the report must say cpu 1, and the BSP must be stopped by it
; Each function keeps a frame pointer, so the report's backtrace runs fault_test_* -> fault_selftest.
; Without `fault=`, fault_selftest returns. System V convention.

VEC_FAULT_TEST equ 0x50

section .text
bits 64

fault_selftest:
  push rbp
  mov rbp, rsp
  mov rdi, key_fault
  mov rsi, str_fault_pf
  call cmdline_is
  test eax, eax
  jz .not_pf
  call fault_test_pf
.not_pf:
  mov rdi, key_fault
  mov rsi, str_fault_de
  call cmdline_is
  test eax, eax
  jz .not_de
  call fault_test_de
.not_de:
  mov rdi, key_fault
  mov rsi, str_fault_ud
  call cmdline_is
  test eax, eax
  jz .not_ud
  call fault_test_ud
.not_ud:
  mov rdi, key_fault
  mov rsi, str_fault_stack
  call cmdline_is
  test eax, eax
  jz .not_stack
  call fault_test_stack
.not_stack:
  mov rdi, key_fault
  mov rsi, str_fault_wtext
  call cmdline_is
  test eax, eax
  jz .not_wtext
  call fault_test_wtext
.not_wtext:
  mov rdi, key_fault
  mov rsi, str_fault_wro
  call cmdline_is
  test eax, eax
  jz .not_wro
  call fault_test_wro
.not_wro:
  mov rdi, key_fault
  mov rsi, str_fault_nx
  call cmdline_is
  test eax, eax
  jz .not_nx
  call fault_test_nx
.not_nx:
  mov rdi, key_fault
  mov rsi, str_fault_ap
  call cmdline_is
  test eax, eax
  jz .done
  call fault_on_ap
.done:
  pop rbp
  ret

; fault_on_ap — makes CPU 1 (if there is one) take VEC_FAULT_TEST, whose handler faults, then spins
; with interrupts off until that CPU's fault report stops this one (an NMI) or 5 s pass.
fault_on_ap:
  push rbp
  mov rbp, rsp
  push rbx
  cmp dword [ncpus], 2
  jb .done
  mov edi, VEC_FAULT_TEST
  mov rsi, fault_test_ap
  xor edx, edx
  call idt_set
  mov rax, [percpu_blocks + 8]
  mov edi, [rax + percpu.apic_id]
  mov esi, APIC_ICR_FIXED | VEC_FAULT_TEST
  call apic_send_ipi
  call clock_ns
  mov rbx, 5000000000
  add rbx, rax
.wait:                                  ; busy, interrupts off: only an NMI can stop this CPU
  pause
  call clock_ns
  cmp rax, rbx
  jb .wait
  mov rdi, msg_not_stopped
  call print_str
.done:
  pop rbx
  pop rbp
  ret

; fault_test_ap — interrupt handler for VEC_FAULT_TEST: a null-page read.
fault_test_ap:
  push rbp
  mov rbp, rsp
.fault:
  mov rax, [0x10]
  pop rbp
  iretq

fault_test_wtext:
  push rbp
  mov rbp, rsp
.fault:
  mov byte [fault_test_pf], 0xC3
  pop rbp
  ret

fault_test_wro:
  push rbp
  mov rbp, rsp
.fault:
  mov byte [key_fault], 0
  pop rbp
  ret

fault_test_nx:
  push rbp
  mov rbp, rsp
  mov rax, fault_nx_target
  call rax
  pop rbp
  ret

fault_test_pf:
  push rbp
  mov rbp, rsp
.fault:
  mov rax, [0x10]
  pop rbp
  ret

fault_test_de:
  push rbp
  mov rbp, rsp
  xor ecx, ecx
  mov eax, 1
  xor edx, edx
.fault:
  div ecx
  pop rbp
  ret

fault_test_ud:
  push rbp
  mov rbp, rsp
.fault:
  ud2
  pop rbp
  ret

fault_test_stack:
  push rbp
  mov rbp, rsp
  sub rsp, 64
  call fault_test_stack
  leave
  ret

section .rodata
key_fault:       db "fault", 0
str_fault_pf:    db "pf", 0
str_fault_de:    db "de", 0
str_fault_ud:    db "ud", 0
str_fault_stack: db "stack", 0
str_fault_ap:    db "ap", 0
str_fault_wtext: db "wtext", 0
str_fault_wro:   db "wro", 0
str_fault_nx:    db "nx", 0
msg_not_stopped: db "toro: error: cpu 0 was not stopped by the fault report", 13, 10, 0

section .data
fault_nx_target: db 0xC3                ; ret: harmless if it ever ran
