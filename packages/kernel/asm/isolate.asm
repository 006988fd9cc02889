; isolate.asm — every CPU an isolate: each AP gets a private copy of the service's data at the same
; virtual addresses, through page tables of its own (-DSERVICE builds only).
;
; The compiled service keeps all its mutable state (the collector's pointers, the exception chain, stack
; limits, the program's globals) in its objects' .data, which the build renames .svcdata: the window
; [svc_data_start, svc_data_end), whole pages (kernel.asm opens it page-aligned after the kernel's .data,
; image_end.asm closes it on a page boundary). CPU 0 runs on the shared tables longmode.asm and
; paging_init built and keeps the image's own bytes. Every other CPU, in cpu_main after mem_init_cpu and
; before it publishes cpu_ready (so before CPU 0 can start the service, whose data is still exactly the
; image's), calls isolate_init, which from the CPU's own page allocator makes:
;
;   PML4'  copy of the shared PML4, entry 0 -> PDPT'
;   PDPT'  copy of the shared PDPT, the entry of the window's GiB -> PD'
;   PD'    copy of that page directory, the entry of each 2 MiB region the window touches -> its PT'
;   PT'    copy of that region's 4 KiB page table, the window's entries -> the private pages (same flags)
;   pages  one per window page, holding the pristine bytes (read through the shared tables, before CR3
;          changes)
;
; and loads CR3 with PML4'. Everything else maps exactly as before: the copies are taken after paging_init,
; after smp_init made the trampoline page NX and after every CPU area's guard pages were unmapped, and
; nothing changes the shared tables' shape later. So the same code, at the same addresses, reads and
; writes this CPU's own copy of every global, with no change to compiled code; a pointer into the window
; means "this CPU's copy" wherever it is used (docs/kernel-abi.md). What each CPU later changes in its
; tables (guard pages) is in paging.asm's header.
;
; The window must lie under 4 KiB page tables (paging_init splits every 2 MiB region holding RAM, unless
; bootmem ran out) and in one GiB (it is just above the kernel, linked at 1 MiB); the AP needs
; 3 + (2 MiB regions touched) + (window pages) pages of its own memory. If not, the AP notes why in its
; isolate_errors slot, stays on the shared tables and publishes cpu_ready as usual; CPU 0, once every CPU
; is ready and before it starts the service, calls isolate_check, which prints
; "toro: error: cpu <n> cannot copy the service's data: <reason>" for the first such CPU and exits with
; EXIT_ISOLATE (README "Exit codes"). One CPU prints, so the line is never interleaved with another's.
; Routines: System V convention (kernel.asm); GS = this CPU's percpu block.

EXIT_ISOLATE equ 73

section .text
bits 64

; isolate_init — see the file header. AP only, once, with its page allocator ready (mem_init_cpu).
; Returns with CR3 on this CPU's own tables, or on the shared ones with the reason in this CPU's
; isolate_errors slot (the pages taken so far are not given back: the boot stops). Preserves RBX, RBP,
; R12-R15.
isolate_init:
  push rbx
  push r12
  push r13
  push r14
  push r15
  mov r12, svc_data_start               ; R12: window start (page-aligned: kernel.asm)
  mov r13, svc_data_end
  add r13, SMALL_PAGE - 1
  and r13, -SMALL_PAGE                  ; R13: window end
  cmp r12, r13
  jae .done                             ; no service data: nothing to copy
  mov rax, r12
  shr rax, 30
  lea rcx, [r13 - 1]
  shr rcx, 30
  cmp rax, rcx
  jne .not_small_pages                  ; crosses a GiB: would need two page directories

  mov rsi, cr3
  call isolate_copy_table
  test rax, rax
  jz .no_memory
  mov r14, rax                          ; R14: PML4'
  mov rsi, [r14]                        ; entry 0: the window is far below 512 GiB
  call isolate_copy_table
  test rax, rax
  jz .no_memory
  mov rdi, r14
  mov rsi, rax
  call isolate_link                     ; PML4'[0] -> PDPT'
  mov r15, rax                          ; R15: PDPT'
  mov rbx, r12
  shr rbx, 30
  lea r15, [r15 + rbx * 8]              ; R15: the window's PDPT' entry
  mov rsi, [r15]
  test esi, PTE_PRESENT
  jz .not_small_pages
  test esi, PTE_HUGE
  jnz .not_small_pages                  ; a 1 GiB page (never made here, but do not misread one)
  call isolate_copy_table
  test rax, rax
  jz .no_memory
  mov rdi, r15
  mov rsi, rax
  call isolate_link
  mov r15, rax                          ; R15: PD'

  mov rbx, r12                          ; RBX: an address in the next 2 MiB region to give a PT'
.region:
  mov rcx, rbx
  shr rcx, 21
  and ecx, 511
  mov rsi, [r15 + rcx * 8]
  test esi, PTE_PRESENT
  jz .not_small_pages
  test esi, PTE_HUGE
  jnz .not_small_pages                  ; still a 2 MiB page: no table to copy
  call isolate_copy_table
  test rax, rax
  jz .no_memory
  mov rdi, rbx
  shr rdi, 21
  and edi, 511
  lea rdi, [r15 + rdi * 8]
  mov rsi, rax
  call isolate_link
  shr rbx, 21
  inc rbx
  shl rbx, 21
  cmp rbx, r13
  jb .region

  mov rbx, r12                          ; RBX: the window page to copy
.page:
  xor edi, edi
  call page_alloc_order
  test rax, rax
  jz .no_memory
  mov rdi, rax
  mov rsi, rbx
  mov ecx, SMALL_PAGE / 8
  rep movsq                             ; the pristine bytes, read through the shared tables
  mov rcx, rbx
  shr rcx, 21
  and ecx, 511
  mov rdi, [r15 + rcx * 8]              ; PD' entry -> PT'
  mov rdx, PTE_ADDR_MASK
  and rdi, rdx
  mov rcx, rbx
  shr rcx, 12
  and ecx, 511
  lea rdi, [rdi + rcx * 8]
  mov rsi, rax
  call isolate_link                     ; PT' entry -> the private page, the shared entry's flags
  add rbx, SMALL_PAGE
  cmp rbx, r13
  jb .page

  mov cr3, r14                          ; this CPU's tables from now on (flushes its TLB)
.done:
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

.no_memory:
  mov rax, msg_isolate_no_memory
  jmp .fail
.not_small_pages:
  mov rax, msg_isolate_not_small
.fail:
  mov ecx, [gs:percpu.cpu_id]
  mov [isolate_errors + rcx * 8], rax   ; before cpu_ready: CPU 0 sees it once it sees this CPU ready
  jmp .done

; isolate_check — CPU 0, after every CPU is ready, before the service starts: returns if every AP has
; its copy, else prints the first failure's error line and exits with EXIT_ISOLATE.
isolate_check:
  push rbx
  push r12
  mov ebx, 1
.next:
  cmp ebx, [ncpus]
  jae .ok
  mov r12, [isolate_errors + rbx * 8]
  test r12, r12
  jnz .failed
  inc ebx
  jmp .next
.ok:
  pop r12
  pop rbx
  ret
.failed:
  mov rdi, msg_isolate_error
  call print_str
  mov edi, ebx
  call print_dec
  mov rdi, r12
  call print_str
  mov edi, EXIT_ISOLATE
  jmp power_off

; isolate_copy_table — RAX = a new page (this CPU's allocator) holding a copy of the 4 KiB table whose
; address is in bits 12-51 of RSI (an entry or CR3: flag bits are ignored), or 0 when there is no memory.
; Clobbers the caller-saved registers.
isolate_copy_table:
  mov rax, PTE_ADDR_MASK
  and rsi, rax
  push rsi
  xor edi, edi
  call page_alloc_order
  pop rsi
  test rax, rax
  jz .done
  mov rdi, rax
  mov ecx, 512
  rep movsq
.done:
  ret

; isolate_link — points the entry at RDI at the page RSI, keeping the entry's flag bits. RAX = RSI.
; Clobbers RCX, RDX.
isolate_link:
  mov rax, PTE_ADDR_MASK
  mov rcx, [rdi]
  not rax
  and rcx, rax
  or rcx, rsi
  mov [rdi], rcx
  mov rax, rsi
  ret

section .rodata
msg_isolate_error:      db "toro: error: cpu ", 0
msg_isolate_no_memory:  db " cannot copy the service's data: no memory", 13, 10, 0
msg_isolate_not_small:  db " cannot copy the service's data: it is not mapped with 4 KiB pages", 13, 10, 0

section .bss
alignb 8
isolate_errors: resq MAX_CPUS           ; per CPU: 0, or the reason its copy failed (written by that CPU)
