; fault.asm — fault_report: prints the fault block (format in ../README.md, "Faults") and powers off.
;
; Called from fault_entry (idt.asm) with RDI = the saved fault_frame, interrupts off, on the faulting
; stack or the vector's IST stack. Never returns. Everything here is careful not to fault again: the
; backtrace reads a frame only after page_present says its page is mapped, and a second fault on a CPU
; already reporting one powers off at once.
; Only one CPU prints at a time (fault_lock, a plain test-and-set: this is the end of the run, not a
; mechanism); the first one also stops the other CPUs with an NMI (interrupts may be off where they
; are), so the block is not interleaved with their output.

FAULT_MAX_FRAMES equ 32

section .text
bits 64

fault_report:
  mov rbx, rdi                          ; RBX: the frame
  ; An NMI while another CPU reports a fault is that CPU stopping this one (apic_halt_others).
  cmp qword [rbx + fault_frame.vector], 2
  jne .report
  cmp dword [fault_lock], 0
  jne .stopped
.report:
  ; GS base is 0 until percpu_activate: read the MSR rather than trusting [gs:...].
  mov ecx, MSR_GS_BASE
  rdmsr
  shl rdx, 32
  or rax, rdx
  mov r15, rax                          ; R15: percpu block or 0
  test r15, r15
  jz .lock
  inc dword [r15 + percpu.fault_depth]
  cmp dword [r15 + percpu.fault_depth], 1
  jne .nested
.lock:
  mov eax, 1
  xchg eax, [fault_lock]
  test eax, eax
  jz .locked
  pause
  jmp .lock
.locked:
  call apic_halt_others

  mov rdi, msg_fault_begin
  call print_str
  ; cpu <id> vector <n> <name> error <hex> kind <kind>
  mov rdi, msg_fault_cpu
  call print_str
  test r15, r15
  jz .no_cpu
  mov edi, [r15 + percpu.cpu_id]
  call print_dec
  jmp .vector
.no_cpu:
  mov edi, '?'                          ; before percpu_activate: which CPU is unknown
  call serial_putc
.vector:
  mov rdi, msg_fault_vector
  call print_str
  mov rdi, [rbx + fault_frame.vector]
  call print_dec
  call print_space
  mov rax, [rbx + fault_frame.vector]
  lea rdi, [exception_names + rax * 4]
  call print_str
  mov rdi, msg_fault_error
  call print_str
  mov rdi, [rbx + fault_frame.error]
  call print_hex64
  mov rdi, msg_fault_kind
  call print_str
  mov rdi, rbx
  call fault_kind
  mov rdi, rax
  call print_str
  call print_newline

  ; rip rsp rflags cr2 / cs ss cr3
  mov rdi, msg_fault_rip
  call print_str
  mov rdi, [rbx + fault_frame.rip]
  call print_hex64
  mov rdi, msg_fault_rsp
  call print_str
  mov rdi, [rbx + fault_frame.rsp]
  call print_hex64
  mov rdi, msg_fault_rflags
  call print_str
  mov rdi, [rbx + fault_frame.rflags]
  call print_hex64
  mov rdi, msg_fault_cr2
  call print_str
  mov rdi, cr2
  call print_hex64
  call print_newline
  mov rdi, msg_fault_cs
  call print_str
  mov rdi, [rbx + fault_frame.cs]
  call print_hex64
  mov rdi, msg_fault_ss
  call print_str
  mov rdi, [rbx + fault_frame.ss]
  call print_hex64
  mov rdi, msg_fault_cr3
  call print_str
  mov rdi, cr3
  call print_hex64
  mov rdi, msg_fault_thread
  call print_str
  call fault_thread
  mov rdi, rax
  call print_hex64
  call print_newline

  ; The 15 general registers, four to a line, in fault_frame order.
  xor r12d, r12d
.register:
  test r12d, 3
  jnz .same_line
  test r12d, r12d
  jz .first_line
  call print_newline
.first_line:
  mov rdi, msg_fault_prefix
  call print_str
  jmp .name
.same_line:
  call print_space
.name:
  lea rdi, [register_names + r12 * 4]
  call print_str
  call print_space
  mov rdi, [rbx + r12 * 8]
  call print_hex64
  inc r12d
  cmp r12d, 15
  jb .register
  call print_newline

  ; Backtrace: frame 0 is the faulting RIP, then the return addresses along the RBP chain.
  xor edi, edi
  mov rsi, [rbx + fault_frame.rip]
  call fault_print_frame
  mov r13, [rbx + fault_frame.rbp]      ; R13: frame pointer
  mov r12d, 1                           ; R12: frame number
.walk:
  cmp r12d, FAULT_MAX_FRAMES
  jae .walked
  test r13, 7
  jnz .walked
  test r13, r13
  jz .walked
  mov rdi, r13
  call page_present
  test eax, eax
  jz .walked
  lea rdi, [r13 + 8]
  call page_present
  test eax, eax
  jz .walked
  mov rsi, [r13 + 8]
  test rsi, rsi
  jz .walked
  mov edi, r12d
  call fault_print_frame
  inc r12d
  mov rax, [r13]
  cmp rax, r13
  jbe .walked                           ; a chain must climb the stack, or it is not a chain
  mov r13, rax
  jmp .walk
.walked:
  mov rdi, msg_fault_end
  call print_str
  mov edi, EXIT_FAULT
  jmp power_off

.stopped:
  cli
  hlt
  jmp .stopped

.nested:
  ; A fault while reporting one: the report is what failed, so say only that, and stop.
  mov rdi, msg_fault_nested
  call print_str
  mov edi, EXIT_FAULT
  mov eax, edi
  out ISA_DEBUG_EXIT_PORT, eax
.halt:
  cli
  hlt
  jmp .halt

; fault_print_frame — prints "toro: fault frame <EDI> <RSI as hex>".
fault_print_frame:
  push rbx
  push r12
  mov ebx, edi
  mov r12, rsi
  mov rdi, msg_fault_frame
  call print_str
  mov edi, ebx
  call print_dec
  call print_space
  mov rdi, r12
  call print_hex64
  call print_newline
  pop r12
  pop rbx
  ret

; fault_thread — RAX = the thread this CPU was running (the scheduler's mech.current), 0 when there is
; none yet (no per-CPU block, or the mechanisms have not started on this CPU). R15 = the percpu block.
fault_thread:
  xor eax, eax
  test r15, r15
  jz .done
  mov rdi, [r15 + percpu.mech]
  test rdi, rdi
  jz .done
  push rdi
  call page_present
  pop rdi
  test eax, eax
  jz .done
  mov rax, [rdi + mech.current]
.done:
  ret

; fault_kind — RAX = the kind word for the fault frame RDI: "stack-overflow" for a not-present page
; fault within a page of the interrupted RSP (a push or call into a guard page, or a frame just below
; it), else the exception's name.
fault_kind:
  mov rax, [rdi + fault_frame.vector]
  cmp rax, 14
  jne .named
  test qword [rdi + fault_frame.error], 1
  jnz .named                            ; protection violation: the page was there
  mov rdx, cr2
  mov rcx, [rdi + fault_frame.rsp]
  sub rdx, rcx                          ; CR2 - RSP
  add rdx, SMALL_PAGE
  cmp rdx, 2 * SMALL_PAGE
  jae .named
  mov rax, kind_stack_overflow
  ret
.named:
  mov rax, [rdi + fault_frame.vector]
  mov rax, [exception_kinds + rax * 8]
  ret

section .rodata
msg_fault_begin:   db "toro: fault begin", 13, 10, 0
msg_fault_cpu:     db "toro: fault cpu ", 0
msg_fault_vector:  db " vector ", 0
msg_fault_error:   db " error ", 0
msg_fault_kind:    db " kind ", 0
msg_fault_rip:     db "toro: fault rip ", 0
msg_fault_rsp:     db " rsp ", 0
msg_fault_rflags:  db " rflags ", 0
msg_fault_cr2:     db " cr2 ", 0
msg_fault_cs:      db "toro: fault cs ", 0
msg_fault_ss:      db " ss ", 0
msg_fault_cr3:     db " cr3 ", 0
msg_fault_thread:  db " thread ", 0
msg_fault_prefix:  db "toro: fault ", 0
msg_fault_frame:   db "toro: fault frame ", 0
msg_fault_end:     db "toro: fault end", 13, 10, 0
msg_fault_nested:  db 13, 10, "toro: fault nested: the fault report itself faulted", 13, 10, 0
; Four bytes per name, NUL-padded, in fault_frame order / vector order.
register_names:    db "rax", 0, "rbx", 0, "rcx", 0, "rdx", 0, "rsi", 0, "rdi", 0, "rbp", 0, "r8", 0, 0
                   db "r9", 0, 0, "r10", 0, "r11", 0, "r12", 0, "r13", 0, "r14", 0, "r15", 0
exception_names:   db "#DE", 0, "#DB", 0, "NMI", 0, "#BP", 0, "#OF", 0, "#BR", 0, "#UD", 0, "#NM", 0
                   db "#DF", 0, "#09", 0, "#TS", 0, "#NP", 0, "#SS", 0, "#GP", 0, "#PF", 0, "#15", 0
                   db "#MF", 0, "#AC", 0, "#MC", 0, "#XM", 0, "#VE", 0, "#CP", 0, "#22", 0, "#23", 0
                   db "#24", 0, "#25", 0, "#26", 0, "#27", 0, "#HV", 0, "#VC", 0, "#SX", 0, "#31", 0
kind_divide:       db "divide-error", 0
kind_debug:        db "debug", 0
kind_nmi:          db "nmi", 0
kind_breakpoint:   db "breakpoint", 0
kind_overflow:     db "overflow", 0
kind_bound:        db "bound-range", 0
kind_invalid:      db "invalid-opcode", 0
kind_no_fpu:       db "device-not-available", 0
kind_double:       db "double-fault", 0
kind_tss:          db "invalid-tss", 0
kind_segment:      db "segment-not-present", 0
kind_stack_seg:    db "stack-segment-fault", 0
kind_gp:           db "general-protection", 0
kind_page:         db "page-fault", 0
kind_x87:          db "x87-fault", 0
kind_alignment:    db "alignment-check", 0
kind_machine:      db "machine-check", 0
kind_simd:         db "simd-fault", 0
kind_other:        db "exception", 0
kind_stack_overflow: db "stack-overflow", 0
align 8
exception_kinds:
  dq kind_divide, kind_debug, kind_nmi, kind_breakpoint, kind_overflow, kind_bound, kind_invalid, kind_no_fpu
  dq kind_double, kind_other, kind_tss, kind_segment, kind_stack_seg, kind_gp, kind_page, kind_other
  dq kind_x87, kind_alignment, kind_machine, kind_simd, kind_other, kind_other, kind_other, kind_other
  dq kind_other, kind_other, kind_other, kind_other, kind_other, kind_other, kind_other, kind_other

section .data
align 4
fault_lock: dd 0
