; longmode.asm — from the PVH entry's 32-bit protected mode to 64-bit long mode.
;
; Entered by a jump from pvh_entry with: 32-bit flat segments, paging off, ESP on the boot stack, .bss
; zeroed (so every page-table entry not written here is "not present"). No register carries a value in.
; Leaves by a far jump to kmain's trampoline `long_mode_entry` with: paging on (4 GiB identity map in
; 2 MiB pages), EFER.LME (and EFER.NXE when the CPU has NX), our GDT loaded, SSE usable, RSP = ESP.
; Clobbers everything but ESP. If the CPU lacks long mode there is no way to print yet (the serial
; driver is 64-bit code), so it reports exit code EXIT_BAD_BOOT through isa-debug-exit and halts.

section .text
bits 32

enter_long_mode:
  ; Long mode and NX are reported by extended leaf 0x80000001; check the leaf exists first.
  mov eax, 0x80000000
  cpuid
  cmp eax, 0x80000001
  jb .no_long_mode
  mov eax, 0x80000001
  cpuid
  test edx, CPUID_EXT_LM
  jz .no_long_mode
  mov esi, edx                          ; feature bits, for the NX decision below

  ; Identity map of the first 4 GiB: PML4[0] -> PDPT, PDPT[0..3] -> the four page directories (which
  ; are adjacent), each PD entry maps one 2 MiB page. Upper halves of all entries stay 0 from .bss.
  mov dword [pml4], pdpt + PTE_PRESENT + PTE_WRITE
  mov edi, pdpt
  mov eax, page_directories + PTE_PRESENT + PTE_WRITE
  mov ecx, IDENTITY_PDS
.pdpt_entry:
  mov [edi], eax
  add eax, 4096
  add edi, 8
  dec ecx
  jnz .pdpt_entry

  mov edi, page_directories
  mov eax, PTE_PRESENT + PTE_WRITE + PTE_HUGE   ; physical address 0 in bits 21 and up
  mov ecx, IDENTITY_PDS * 512
.pd_entry:
  mov [edi], eax
  add eax, HUGE_PAGE                    ; the last entry maps 0xFFE00000; 4 GiB fits in 32 bits, just
  add edi, 8
  dec ecx
  jnz .pd_entry

  mov eax, pml4
  mov cr3, eax
  ; PAE is required for long mode; OSFXSR/OSXMMEXCPT let 64-bit code use SSE (compiled code will).
  mov eax, cr4
  or eax, CR4_PAE + CR4_OSFXSR + CR4_OSXMMEXCPT
  mov cr4, eax

  mov ecx, MSR_EFER
  rdmsr
  or eax, EFER_LME
  test esi, CPUID_EXT_NX
  jz .efer_ready                        ; setting NXE without NX support would fault
  or eax, EFER_NXE
.efer_ready:
  wrmsr

  lgdt [gdt_descriptor]                 ; 32-bit form: reads a 32-bit base, enough below 4 GiB

  ; Paging on with LME set activates long mode (compatibility mode until CS is a 64-bit segment).
  ; EM off and MP on are the x87/SSE settings the SDM asks for when the OS supports SSE.
  mov eax, cr0
  and eax, ~CR0_EM
  or eax, CR0_PE + CR0_MP + CR0_PG
  mov cr0, eax
  jmp GDT_CODE64:long_mode_entry

.no_long_mode:
  mov eax, EXIT_BAD_BOOT
  out ISA_DEBUG_EXIT_PORT, eax
.halt:
  hlt
  jmp .halt

bits 64

long_mode_entry:
  ; Data segment registers still hold the loader's 32-bit descriptors; load ours (base 0, as required
  ; for SS in 64-bit code that may take interrupts later).
  mov ax, GDT_DATA
  mov ds, ax
  mov es, ax
  mov ss, ax
  xor eax, eax
  mov fs, ax                            ; FS/GS bases are for per-CPU data later; null for now
  mov gs, ax
  mov rsp, boot_stack_top               ; same value as ESP, now with the upper half defined
  jmp kmain

section .data
align 8
; Null, 64-bit code (L=1, DPL 0, execute/read), data (read/write). Accessed bits are preset so the CPU
; never needs to write to the table.
gdt:
  dq 0
  dq 0x00209B0000000000
  dq 0x0000930000000000
gdt_end:

gdt_descriptor:
  dw gdt_end - gdt - 1
  dq gdt

section .bss
; Page-aligned because the boot stack before them (pvh.asm) is a whole number of pages.
pml4:
  resb 4096
pdpt:
  resb 4096
page_directories:
  resb 4096 * IDENTITY_PDS
