; faulttest.asm — deliberate faults for the fault-report tests (self-test image only, -DSELFTEST).
;
; `fault=<kind>` on the command line makes fault_selftest (called by kmain once every CPU is up) raise:
;   pf     a read of address 0x10 (page 0 is unmapped)          faulting instruction: fault_test_pf.fault
;   de     a division by zero                                    fault_test_de.fault
;   ud     ud2                                                   fault_test_ud.fault
;   stack  unbounded recursion until the guard page under the stack is hit   inside fault_test_stack
; Each function keeps a frame pointer, so the report's backtrace runs fault_test_* -> fault_selftest.
; Without `fault=`, fault_selftest returns. System V convention.

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
  jz .done
  call fault_test_stack
.done:
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
