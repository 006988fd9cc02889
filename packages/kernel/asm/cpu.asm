; cpu.asm — loading a CPU's own state: GDT and TSS, GS = its percpu block, the IDT, SSE/AVX, the APIC.
;
; cpu_load_state runs on the CPU itself (the BSP from kmain, each AP from ap_entry64), on the stack of
; its CPU area, with interrupts off. Routines: System V convention (kernel.asm).

XCR0_X87 equ 1 << 0
XCR0_SSE equ 1 << 1
XCR0_AVX equ 1 << 2

section .text
bits 64

; cpu_load_state — makes the percpu block RDI this CPU's: gdt_load, percpu_activate, idt_load,
; cpu_enable_simd, apic_init.
cpu_load_state:
  push rbx
  mov rbx, rdi
  call gdt_load
  mov rdi, rbx
  call percpu_activate
  call idt_load
  call cpu_enable_simd
  call apic_init
  pop rbx
  ret

; cpu_enable_simd — SSE is on since long mode (CR4.OSFXSR); with XSAVE, also turn on the AVX state
; (CR4.OSXSAVE, XCR0 = x87 | SSE | AVX when the CPU has AVX).
cpu_enable_simd:
  push rbx
  mov eax, 1
  cpuid
  test ecx, CPUID_1_ECX_XSAVE
  jz .done
  mov ebx, ecx
  mov rax, cr4
  or eax, CR4_OSXSAVE
  mov cr4, rax
  mov eax, XCR0_X87 | XCR0_SSE
  test ebx, CPUID_1_ECX_AVX
  jz .set
  or eax, XCR0_AVX
.set:
  xor edx, edx
  xor ecx, ecx
  xsetbv
.done:
  pop rbx
  ret
