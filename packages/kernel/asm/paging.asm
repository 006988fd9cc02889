; paging.asm — memory protection: 4 KiB pages over RAM, page 0 unmapped, text RX, rodata R+NX, data RW+NX.
;
; longmode.asm identity-maps 4 GiB with 2 MiB pages. paging_init (BSP, once, after topology_init)
; replaces every 2 MiB page that holds usable RAM with a page table of 4 KiB pages, so that any RAM
; page can later be unmapped (stack guard pages) without allocating a table: the tables are made once,
; here, from bootmem (about 0.2% of RAM) and never change shape again. Identity map throughout.
;
;   page                                 present  write  no-execute
;   0 - 4 KiB                            no                          null dereferences fault
;   TRAMPOLINE_ADDR (AP start-up code)   yes      yes    no          until smp_init is done, then NX
;   .text                                yes      no     no
;   .rodata                              yes      no     yes
;   .data, .bss, all other RAM           yes      yes    yes
;   2 MiB pages without RAM (MMIO...)    yes      yes    yes
;
; CR0.WP makes the read-only pages read-only for the kernel too. NX is used only when the CPU has it
; (pte_nx = 0 otherwise: setting bit 63 without EFER.NXE would be a reserved-bit fault). A service
; image's .svcdata (the service's .data, after the kernel's) is RAM past kernel_data_start: RW+NX.
;
; Whose tables: every CPU starts on these shared tables (pml4, pdpt, page_directories and the 4 KiB
; tables made here). In a -DSERVICE image each AP then moves to its own chain (isolate.asm): private
; copies of the PML4, the PDPT, the page directory and the 4 KiB page tables over the service's data
; window, the window's entries pointing at its own copy of the data; all else still points at the shared
; tables. So page_pte, page_unmap, page_map and page_present walk the CURRENT CPU's tables from CR3,
; never page_directories: a page is unmapped and mapped again by the CPU that owns it (stack guard pages:
; percpu_area_guard on the BSP before any AP copies, stack_get/sched_reap on the thread's own CPU), so
; the CPU that runs on a stack is the one whose tables carry its guard page, whether it reaches that page
; through a shared table or a private copy. A change made in a shared 4 KiB table is seen by every CPU
; that has no private copy of that table, and a change in a private copy by its CPU alone; both are only
; ever about the changing CPU's own pages, so no CPU needs another's view.
; page_unmap/page_map/page_present may run on any CPU at any time; they touch one PTE of a table that
; never moves, and flush only the local TLB (see page_unmap for what that asks of callers).
; Routines: System V convention (kernel.asm).

PTE_ADDR_MASK equ 0x000FFFFFFFFFF000
PD_ENTRIES    equ IDENTITY_PDS * 512

section .text
bits 64

; paging_init — see the file header.
paging_init:
  push rbx
  push r12
  push r13
  ; NX is usable iff EFER.NXE was set by longmode.asm.
  mov ecx, MSR_EFER
  rdmsr
  test eax, EFER_NXE
  jz .nx_known
  mov rax, PTE_NX
  mov [pte_nx], rax
.nx_known:
  xor ebx, ebx                          ; RBX: 2 MiB region number
.region:
  mov rdi, rbx
  shl rdi, 21
  call region_has_ram
  test eax, eax
  jnz .split
  mov rax, [pte_nx]
  or [page_directories + rbx * 8], rax
  jmp .next
.split:
  mov rdi, rbx
  shl rdi, 21
  call node_of_address
  mov edi, eax
  mov esi, SMALL_PAGE
  call bootmem_alloc
  test rax, rax
  jz .next                              ; out of memory for tables: this region stays a 2 MiB page
  mov r12, rax                          ; R12: the new page table
  xor r13d, r13d                        ; R13: page number within the region
.pte:
  mov rdi, rbx
  shl rdi, 21
  mov rax, r13
  shl rax, 12
  add rdi, rax
  call page_flags
  mov [r12 + r13 * 8], rax
  inc r13d
  cmp r13d, 512
  jb .pte
  lea rax, [r12 + PTE_PRESENT + PTE_WRITE]
  mov [page_directories + rbx * 8], rax
.next:
  inc ebx
  cmp ebx, PD_ENTRIES
  jb .region
  mov rax, cr3
  mov cr3, rax                          ; flush every old 2 MiB translation
  mov rax, cr0
  or eax, CR0_WP
  mov cr0, rax
  pop r13
  pop r12
  pop rbx
  ret

; region_has_ram — EAX = 1 if the 2 MiB region at RDI overlaps a usable PVH memory map entry.
region_has_ram:
  mov rsi, [start_info_paddr]
  xor eax, eax
  cmp dword [rsi + hvm_start_info.version], 1
  jb .done
  mov ecx, [rsi + hvm_start_info.memmap_entries]
  mov rsi, [rsi + hvm_start_info.memmap_paddr]
  lea rdx, [rdi + HUGE_PAGE]
.entry:
  test ecx, ecx
  jz .done
  cmp dword [rsi + hvm_memmap_entry.type], HVM_MEMMAP_RAM
  jne .next
  cmp [rsi + hvm_memmap_entry.addr], rdx
  jae .next                             ; starts after the region
  mov r8, [rsi + hvm_memmap_entry.addr]
  add r8, [rsi + hvm_memmap_entry.size]
  cmp r8, rdi
  jbe .next                             ; ends before it
  mov eax, 1
  ret
.next:
  add rsi, hvm_memmap_entry_size
  dec ecx
  jmp .entry
.done:
  ret

; page_flags — RAX = the 4 KiB PTE identity-mapping page RDI, with the protection of the table above.
page_flags:
  xor eax, eax
  test rdi, rdi
  jz .done                              ; page 0: not present
  mov rax, rdi
  or rax, PTE_PRESENT
  cmp rdi, TRAMPOLINE_ADDR
  je .writable
  mov rcx, kernel_text_start
  cmp rdi, rcx
  jb .data
  mov rcx, kernel_rodata_start
  cmp rdi, rcx
  jb .done                              ; text: read, execute
  mov rcx, kernel_data_start
  cmp rdi, rcx
  jae .data
  or rax, [pte_nx]                      ; rodata: read only
  ret
.data:
  or rax, [pte_nx]
.writable:
  or rax, PTE_WRITE
.done:
  ret

; page_pte — RAX = address of the 4 KiB PTE mapping RDI in this CPU's tables (walked from CR3: an AP of
; a service image has its own, isolate.asm), or 0 when RDI is not under a page table (above the 4 GiB map
; or inside a 2 MiB page). Clobbers RCX, RDX.
page_pte:
  xor eax, eax
  mov rcx, MAPPED_LIMIT
  cmp rdi, rcx
  jae .done
  mov rdx, PTE_ADDR_MASK
  mov rax, cr3
  and rax, rdx
  mov rax, [rax]                        ; PML4[0]: the map lies below 512 GiB
  mov rcx, rdi
  shr rcx, 30
  call .level                           ; PDPT entry
  jz .none
  mov rcx, rdi
  shr rcx, 21
  and ecx, 511
  call .level                           ; page directory entry
  jz .none
  test eax, PTE_HUGE
  jnz .none
  and rax, rdx
  mov rcx, rdi
  shr rcx, 12
  and ecx, 511
  lea rax, [rax + rcx * 8]
.done:
  ret
.none:
  xor eax, eax
  ret
; RAX := entry RCX of the table the entry in RAX points at (RDX = PTE_ADDR_MASK); ZF set when it is not
; present (a not-present upper entry has no table to follow).
.level:
  test eax, PTE_PRESENT
  jz .level_done
  and rax, rdx
  mov rax, [rax + rcx * 8]
  test eax, PTE_PRESENT
.level_done:
  ret

; page_unmap — unmaps the 4 KiB page holding RDI (for stack guard pages) in this CPU's tables and flushes
; it from this CPU's TLB. EAX = 0, or -1 if that page is not RAM mapped with 4 KiB pages (nothing changes
; then). Clobbers RCX, RDX.
; Other CPUs' TLBs are not flushed: call it before any other CPU has touched the page, or only on the
; CPU that uses it.
page_unmap:
  call page_pte
  test rax, rax
  jz .fail
  mov qword [rax], 0
  invlpg [rdi]
  xor eax, eax
  ret
.fail:
  mov eax, -1
  ret

; page_map — maps the 4 KiB page holding RDI again (read/write, no-execute) in this CPU's tables: the
; inverse of page_unmap, on the CPU that unmapped it, for returning a guard page to the allocator.
; EAX = 0, or -1 as for page_unmap. Clobbers RCX, RDX.
page_map:
  call page_pte
  test rax, rax
  jz .fail
  mov rcx, rdi
  and rcx, -SMALL_PAGE
  or rcx, PTE_PRESENT | PTE_WRITE
  or rcx, [pte_nx]
  mov [rax], rcx
  invlpg [rdi]
  xor eax, eax
  ret
.fail:
  mov eax, -1
  ret

; page_present — EAX = 1 if reading the byte at RDI cannot page-fault (walks this CPU's tables from
; CR3, which the fault report needs before following a frame pointer). Clobbers RCX, RDX.
page_present:
  xor eax, eax
  mov rdx, rdi
  shr rdx, 48
  jnz .done                             ; not canonical in the lower half: the kernel maps nothing there
  mov rdx, cr3
  mov rcx, rdi
  shr rcx, 39
  and ecx, 511
  call .level
  jz .done
  mov rcx, rdi
  shr rcx, 30
  and ecx, 511
  call .level
  jz .done
  test edx, PTE_HUGE
  jnz .present
  mov rcx, rdi
  shr rcx, 21
  and ecx, 511
  call .level
  jz .done
  test edx, PTE_HUGE
  jnz .present
  mov rcx, rdi
  shr rcx, 12
  and ecx, 511
  call .level
  jz .done
.present:
  mov eax, 1
.done:
  ret
; RDX := entry RCX of the table at RDX (flag bits masked off the table address first); ZF set when the
; entry is not present.
.level:
  mov rax, PTE_ADDR_MASK
  and rdx, rax
  mov rdx, [rdx + rcx * 8]
  xor eax, eax
  test edx, PTE_PRESENT
  ret

section .data
align 8
pte_nx: dq 0                            ; PTE_NX when the CPU has NX, else 0
