; stack_window.asm — stacks whose memory is committed as they grow: each CPU's window of lazily mapped
; stack slots, for the compiled runtime's threads (toro_stack_map / toro_stack_unmap, docs/kernel-abi.md).
;
; Why: a service thread gets a 1 MiB stack so that ordinary recursion works, but a server has one thread
; per connection and most of them never use more than a few pages. Everywhere else memory is an identity
; map (paging.asm), where reserving address space is reserving RAM; here it is not.
;
;   CPU c's window: PML4 entry 1 + c, addresses (1 + c) · 512 GiB onwards, SW_SLOTS slots of SW_SLOT
;   (1 MiB) each. Slot s:  [base + s·SW_SLOT, + PAGE_SIZE)       guard page: never mapped
;                          [base + s·SW_SLOT + PAGE_SIZE, + SW_SLOT)   the stack: a page is mapped the
;                                                                      first time it is touched
;
; The tables of a window (its PDPT, page directories and page tables) belong to its CPU, are made from
; its memory when a slot first needs them and are never freed (bounded by the slots ever in use at once).
; The PML4 entry is written into the PML4 the CPU runs on (its own copy in a service image's AP, the
; shared one otherwise: the entries of different CPUs are different entries), and only its own CPU ever
; touches a window's addresses, so no other CPU's TLB needs a flush.
;
; A page fault (idt.asm fault_entry, on the #PF IST stack) in a slot in use, above its guard page, is
; answered by stack_fault: a zeroed page from the CPU's allocator is mapped there and the faulting
; instruction runs again. The handler runs with interrupts off and must not switch or fault: it takes an
; order-0 block with page_alloc_order (local memory only, never borrowing), except when the fault came
; from inside the page allocator itself (its code is between mem_page_text_start and mem_page_text_end,
; and its lists may be half-updated): then it takes one of the window's reserve pages, which
; stack_map tops up. Every page comes from the CPU's own memory (page_alloc_order), never borrowed, so
; nothing here switches: the scheduler takes its threads' stacks from here too, also in message
; handlers. No page and no reserve: the fault is reported as any other (fault.asm), which names the
; address. mech.sw_bytes counts what the window holds (its pages, tables and reserve), so that the free
; memory's accounting stays exact (selftest.asm st_check_memory).
;
;
; Spaces (space_map / space_unmap, toro_space_map): the window also gives the compiled runtime its
; collector's semispaces, which must be contiguous in addresses but need not be in memory. A space is
; a run of consecutive slots with no guard page, every page of it mapped at once from whatever pages
; of the CPU's memory are free, so a CPU whose memory is cut into small free blocks (a thousand
; connections' buffers and stacks come and go) can still make a 32 MiB semispace, which no single
; block of its memory may be able to give. Its pages are present from the start, so a space never
; faults.
;
; Calling convention: System V (kernel.asm); every routine runs on the CPU whose window it uses.

SW_SLOT_SHIFT  equ 20
SW_SLOT        equ 1 << SW_SLOT_SHIFT   ; bytes per slot, guard page included
SW_SLOTS       equ 8192                 ; slots per CPU: 8 GiB of addresses, 8 PDPT entries
SW_STACK_MAX   equ SW_SLOT - PAGE_SIZE  ; the most toro_stack_map gives
SW_RESERVE     equ 8                    ; pages kept for faults taken inside the page allocator
SW_PML4_FIRST  equ 1                    ; CPU c's window is PML4 entry SW_PML4_FIRST + c
SW_TABLE_FLAGS equ PTE_PRESENT | PTE_WRITE
SPACE_MAX      equ 1 << 32               ; the largest space: 4 GiB, 4096 slots
SPACE_BLOCK_ORDER equ 9                 ; a space takes blocks of at most 2 MiB (its pages go back one by one)

section .text
bits 64

; sw_base — RAX = this CPU's window base. Clobbers RCX.
sw_base:
  mov rcx, [gs:percpu.mech]
  mov eax, [rcx + mech.cpu]
  add eax, SW_PML4_FIRST
  shl rax, 39
  ret

; stack_map — RDI = bytes (1 .. SW_STACK_MAX). RAX = the lowest address of a stack of SW_STACK_MAX
; bytes, RDX = SW_STACK_MAX; RAX = 0 when the window is full or there is no memory for its tables.
; No page of the stack is mapped yet. Does not switch.
stack_map:
  push rbx
  push r12
  test rdi, rdi
  jz .fail
  cmp rdi, SW_STACK_MAX
  ja .fail
  call sw_top_up
  call sw_ready
  test eax, eax
  jz .fail
  mov r8, [gs:percpu.mech]
  mov r9, [r8 + mech.sw_bitmap]
  xor ecx, ecx                          ; RCX: bitmap qword
.word:
  mov rax, [r9 + rcx * 8]
  not rax
  test rax, rax
  jnz .found
  inc ecx
  cmp ecx, SW_SLOTS / 64
  jb .word
  jmp .fail
.found:
  bsf rax, rax                          ; the first free slot of that qword
  bts [r9 + rcx * 8], rax
  shl rcx, 6
  add rax, rcx
  mov rbx, rax                          ; RBX: slot
  mov r12, rax
  shl r12, SW_SLOT_SHIFT
  call sw_base
  add r12, rax                          ; R12: slot address
  mov rdi, r12
  call sw_table                         ; its page table (a slot never straddles one: both are aligned)
  test rax, rax
  jz .no_table
  lea rax, [r12 + PAGE_SIZE]
  mov edx, SW_STACK_MAX
  jmp .out
.no_table:
  mov edi, ebx
  call sw_bit
  btr [rax], rcx
.fail:
  xor eax, eax
  xor edx, edx
.out:
  pop r12
  pop rbx
  ret

; stack_unmap — RDI = a stack from stack_map of this CPU. Its pages go back to the allocator and the
; slot is free again. RAX = 0, or -1 (not a stack of this CPU's window; nothing is done).
stack_unmap:
  push rbx
  push r12
  push r13
  mov rbx, rdi
  call sw_slot_of                       ; EAX = slot or -1
  test eax, eax
  js .bad
  mov r13d, eax
  lea rax, [rbx - PAGE_SIZE]
  test eax, SW_SLOT - 1
  jnz .bad                              ; not the address stack_map gave
  mov edi, r13d
  call sw_bit
  bt [rax], rcx
  jnc .bad                              ; a slot not in use
  mov rdi, rbx
  lea rsi, [rbx - PAGE_SIZE + SW_SLOT]
  call sw_release
  mov edi, r13d
  call sw_bit
  btr [rax], rcx
  xor eax, eax
  jmp .out
.bad:
  mov rax, -1
.out:
  pop r13
  pop r12
  pop rbx
  ret

; sw_release — RDI .. RSI = whole pages of slots in use (their tables exist): every page mapped there
; goes back to the allocator and is unmapped. Clobbers RAX, RCX, RDX, RSI, RDI, R8-R11.
sw_release:
  push rbx
  push r12
  mov r12, rdi                          ; R12: each page in turn
  mov rbx, rsi                          ; RBX: the end
.page:
  cmp r12, rbx
  jae .done
  mov rdi, r12
  call sw_pte
  mov rdi, [rax]
  test edi, PTE_PRESENT
  jz .next
  mov qword [rax], 0
  invlpg [r12]
  mov rax, PTE_ADDR_MASK
  and rdi, rax
  mov r8, [gs:percpu.mech]
  sub qword [r8 + mech.sw_bytes], PAGE_SIZE
  xor esi, esi
  call page_free_order
.next:
  add r12, PAGE_SIZE
  jmp .page
.done:
  pop r12
  pop rbx
  ret

; space_map — RDI = bytes (1 .. SPACE_MAX). RAX = the start of a space of RDX = RDI rounded up to whole
; pages, every page mapped from this CPU's own memory (any free pages: none need be next to another;
; it takes the largest blocks that fit, so an unfragmented memory costs few allocator calls),
; the space aligned to SW_SLOT; RAX = RDX = 0 when the window has no free run of slots that long or
; the CPU has not that many pages (nothing is kept then). Does not switch.
space_map:
  push rbx
  push r12
  push r13
  push r14
  push r15
  test rdi, rdi
  jz .fail
  mov rax, SPACE_MAX
  cmp rdi, rax
  ja .fail
  lea r14, [rdi + PAGE_SIZE - 1]
  and r14, -PAGE_SIZE                   ; R14: bytes, whole pages
  lea r13, [r14 + SW_SLOT - 1]
  shr r13, SW_SLOT_SHIFT                ; R13: slots
  mov r8, [gs:percpu.mech]              ; pages enough, before anything is touched
  mov rax, [r8 + mech.free_bytes]
  cmp rax, r14
  jb .fail
  call sw_ready
  test eax, eax
  jz .fail
  xor ebx, ebx                          ; RBX: the slot looked at
  xor r12d, r12d                        ; R12: free slots in a row before it
.look:
  cmp ebx, SW_SLOTS
  jae .fail
  mov edi, ebx
  call sw_bit
  bt [rax], rcx
  jc .taken
  inc r12d
  inc ebx
  cmp r12, r13
  jb .look
  sub ebx, r12d                         ; RBX: the run's first slot
  jmp .run
.taken:
  xor r12d, r12d
  inc ebx
  jmp .look
.run:
  xor r12d, r12d                        ; R12: slots of the run marked and given tables
.mark:
  cmp r12, r13
  jae .marked
  lea rdi, [rbx + r12]
  call sw_bit
  bts [rax], rcx
  inc r12d
  lea rdi, [rbx + r12 - 1]
  shl rdi, SW_SLOT_SHIFT
  call sw_base
  add rdi, rax
  call sw_table
  test rax, rax
  jz .unmark                            ; no memory for its tables: no page was mapped yet
  jmp .mark
.marked:
  mov r15, rbx
  shl r15, SW_SLOT_SHIFT
  call sw_base
  add r15, rax                          ; R15: the space
  xor r12d, r12d                        ; R12: bytes mapped
.fill:                                  ; the largest block that fits what is left, down to single pages
  cmp r12, r14
  jae .filled
  mov rax, r14
  sub rax, r12
  shr rax, PAGE_SHIFT
  bsr rax, rax                          ; the largest order that fits
  cmp eax, SPACE_BLOCK_ORDER
  jbe .order
  mov eax, SPACE_BLOCK_ORDER
.order:
  push rax
  push rax
  mov edi, eax
  call page_alloc_order
  pop rcx
  pop rcx
  test rax, rax
  jnz .block
  test ecx, ecx
  jz .unfill                            ; not even a page
  lea eax, [ecx - 1]
  jmp .order
.block:                                 ; RAX = a block of order ECX: each of its pages, in order
  mov edx, PAGE_SIZE
  shl rdx, cl
  mov r8, [gs:percpu.mech]
  add [r8 + mech.sw_bytes], rdx
  lea r9, [rax + rdx]                   ; R9: the block's end
  mov rdx, rax
.map:
  lea rdi, [r15 + r12]
  call sw_pte                           ; clobbers RCX, R8
  mov rcx, rdx
  or rcx, PTE_PRESENT | PTE_WRITE
  or rcx, [pte_nx]
  mov [rax], rcx                        ; not present before: nothing cached to flush
  add r12, PAGE_SIZE
  add rdx, PAGE_SIZE
  cmp rdx, r9
  jb .map
  jmp .fill
.filled:
  mov rax, r15
  mov rdx, r14
  jmp .out
.unfill:                                ; out of pages: the R12 bytes mapped go back, then every slot
  mov rdi, r15
  lea rsi, [r15 + r12]
  call sw_release
  mov r12, r13                          ; every slot of the run is marked
.unmark:                                ; the first R12 slots are marked
  mov edi, ebx
  mov rsi, r12
  call sw_unmark
.fail:
  xor eax, eax
  xor edx, edx
.out:
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; sw_unmark — EDI = a slot, RSI = a count: those slots of this CPU's window are free again. Clobbers RAX,
; RCX, RSI, RDI.
sw_unmark:
  test rsi, rsi
  jz .done
  call sw_bit
  btr [rax], rcx
  inc edi
  dec rsi
  jmp sw_unmark
.done:
  ret

; space_unmap — RDI = a space from space_map of this CPU, RSI = its bytes (as space_map gave them). Its
; pages go back to the allocator and its slots are free again. RAX = 0, or -1 when RDI is not the start
; of such a space (nothing is done).
space_unmap:
  push rbx
  push r12
  push r13
  mov rbx, rdi
  call sw_slot_of
  test eax, eax
  js .bad
  test ebx, SW_SLOT - 1
  jnz .bad
  mov r12d, eax                         ; R12: the first slot
  lea r13, [rsi + SW_SLOT - 1]
  shr r13, SW_SLOT_SHIFT                ; R13: slots
  test r13, r13
  jz .bad
  lea rax, [r12 + r13]
  cmp rax, SW_SLOTS
  ja .bad
  mov edi, r12d
  call sw_bit
  bt [rax], rcx
  jnc .bad                              ; not in use: unmapped already, or never mapped
  mov rdi, rbx
  mov rax, r13
  shl rax, SW_SLOT_SHIFT
  lea rsi, [rbx + rax]
  call sw_release
  mov edi, r12d
  mov rsi, r13
  call sw_unmark
  xor eax, eax
  jmp .out
.bad:
  mov rax, -1
.out:
  pop r13
  pop r12
  pop rbx
  ret

; stack_fault — RDI = the fault frame of a #PF (idt.asm). EAX = 1 when it was a first touch of a stack
; page, which is now mapped (the faulting instruction can run again); 0 for any other fault. Must not
; fault or switch (see the header).
stack_fault:
  push rbx
  push r12
  mov rbx, rdi
  mov eax, [rbx + fault_frame.error]
  test eax, PTE_PRESENT
  jnz .no                               ; a protection fault on a present page: not ours
  mov ecx, MSR_GS_BASE                  ; early in boot there is no percpu block to look in yet
  rdmsr
  shl rdx, 32
  or rax, rdx
  jz .no
  mov r8, [gs:percpu.mech]
  test r8, r8
  jz .no
  cmp qword [r8 + mech.sw_bitmap], 0
  je .no                                ; no window on this CPU yet
  mov r12, cr2
  mov rdi, r12
  call sw_slot_of
  test eax, eax
  js .no
  mov rcx, r12
  and rcx, SW_SLOT - 1
  cmp rcx, PAGE_SIZE
  jb .no                                ; the guard page: a stack overflow, reported as a fault
  mov edi, eax
  call sw_bit
  bt [rax], rcx
  jnc .no                               ; a slot not in use
  mov rax, [rbx + fault_frame.rip]      ; inside the page allocator: its lists may be half-updated
  mov rcx, mem_page_text_start
  cmp rax, rcx
  jb .allocate
  mov rcx, mem_page_text_end
  cmp rax, rcx
  jb .reserve
.allocate:
  xor edi, edi
  call page_alloc_order
  test rax, rax
  jz .reserve
  mov r8, [gs:percpu.mech]
  add qword [r8 + mech.sw_bytes], PAGE_SIZE
  jmp .got
.reserve:
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.sw_reserve]
  test rax, rax
  jz .no                                ; out of memory: reported as the fault it is
  mov rcx, [rax]
  mov [r8 + mech.sw_reserve], rcx
  dec qword [r8 + mech.sw_reserved]
.got:
  mov rdx, rax                          ; RDX: the new page, zeroed
  mov rdi, rax
  mov ecx, PAGE_SIZE / 8
  xor eax, eax
  rep stosq
  mov rdi, r12
  call sw_pte
  or rdx, PTE_PRESENT | PTE_WRITE
  or rdx, [pte_nx]
  mov [rax], rdx
  invlpg [r12]
  mov eax, 1
  jmp .out
.no:
  xor eax, eax
.out:
  pop r12
  pop rbx
  ret

; sw_slot_of — RDI = an address. EAX = its slot in this CPU's window, or -1 outside the window.
; Clobbers RCX, RDX.
sw_slot_of:
  call sw_base
  mov rdx, rdi
  sub rdx, rax
  jb .none
  shr rdx, SW_SLOT_SHIFT
  cmp rdx, SW_SLOTS
  jae .none
  mov eax, edx
  ret
.none:
  mov eax, -1
  ret

; sw_bit — EDI = a slot of this CPU's window (the window exists). RAX = the address of its qword in the
; slot bitmap, RCX = its bit there (for bt, bts, btr).
sw_bit:
  mov rax, [gs:percpu.mech]
  mov rax, [rax + mech.sw_bitmap]
  mov ecx, edi
  shr ecx, 6
  lea rax, [rax + rcx * 8]
  mov ecx, edi
  and ecx, 63
  ret

; sw_pte — RDI = an address in a slot that stack_map handed out. RAX = the address of its PTE (the
; tables exist: stack_map made them). Clobbers RCX, R8.
sw_pte:
  mov rcx, PTE_ADDR_MASK
  mov rax, [gs:percpu.mech]
  mov rax, [rax + mech.sw_pdpt]
  mov r8, rdi
  shr r8, 30
  and r8d, 511
  mov rax, [rax + r8 * 8]               ; PDPT entry
  and rax, rcx
  mov r8, rdi
  shr r8, 21
  and r8d, 511
  mov rax, [rax + r8 * 8]               ; page directory entry
  and rax, rcx
  mov r8, rdi
  shr r8, 12
  and r8d, 511
  lea rax, [rax + r8 * 8]
  ret

; sw_ready — makes this CPU's window exist (its PDPT, in its PML4 entry, and its slot bitmap). EAX = 1,
; or 0 when there is no memory for them.
sw_ready:
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.sw_bitmap], 0
  jne .yes
  call sw_zeroed_page
  test rax, rax
  jz .no
  mov r8, [gs:percpu.mech]
  mov [r8 + mech.sw_pdpt], rax
  call sw_zeroed_page
  test rax, rax
  jz .no                                ; the PDPT stays for the next try
  mov r8, [gs:percpu.mech]
  mov [r8 + mech.sw_bitmap], rax
  mov ecx, [r8 + mech.cpu]
  add ecx, SW_PML4_FIRST
  mov rdx, PTE_ADDR_MASK
  mov rax, cr3
  and rax, rdx
  mov rdx, [r8 + mech.sw_pdpt]
  or rdx, SW_TABLE_FLAGS
  mov [rax + rcx * 8], rdx              ; this CPU's PML4 entry (nothing was cached for it)
.yes:
  mov eax, 1
  ret
.no:
  xor eax, eax
  ret

; sw_table — RDI = a slot's address. Makes the page directory and page table above it exist. RAX = the
; page table, or 0 when there is no memory for it.
sw_table:
  push rbx
  push r12
  mov r12, rdi
  mov rbx, [gs:percpu.mech]
  mov rbx, [rbx + mech.sw_pdpt]
  mov rax, r12
  shr rax, 30
  and eax, 511
  lea rbx, [rbx + rax * 8]              ; RBX: the PDPT entry
  call .level
  jz .out
  mov rax, r12
  shr rax, 21
  and eax, 511
  lea rbx, [rbx + rax * 8]              ; RBX: the page directory entry
  call .level
.out:
  pop r12
  pop rbx
  ret
; RBX = an entry: makes the table it points at exist. RBX := that table, RAX = it (ZF set: no memory).
.level:
  mov rax, [rbx]
  test eax, PTE_PRESENT
  jnz .present
  call sw_zeroed_page
  test rax, rax
  jz .none
  lea rcx, [rax + SW_TABLE_FLAGS]
  mov [rbx], rcx
.present:
  mov rcx, PTE_ADDR_MASK
  and rax, rcx
  mov rbx, rax
  test rax, rax
  ret
.none:
  xor eax, eax
  ret

; sw_zeroed_page — RAX = a zeroed page of this CPU's memory (counted in sw_bytes), or 0.
sw_zeroed_page:
  xor edi, edi
  call page_alloc_order
  test rax, rax
  jz .out
  mov r8, [gs:percpu.mech]
  add qword [r8 + mech.sw_bytes], PAGE_SIZE
  mov rdx, rax
  mov rdi, rax
  mov ecx, PAGE_SIZE / 8
  xor eax, eax
  rep stosq
  mov rax, rdx
.out:
  ret

; sw_top_up — fills this CPU's reserve to SW_RESERVE pages, as far as its memory allows.
sw_top_up:
  mov r8, [gs:percpu.mech]
  cmp qword [r8 + mech.sw_reserved], SW_RESERVE
  jae .done
  xor edi, edi
  call page_alloc_order
  test rax, rax
  jz .done
  mov r8, [gs:percpu.mech]
  add qword [r8 + mech.sw_bytes], PAGE_SIZE
  mov rcx, [r8 + mech.sw_reserve]
  mov [rax], rcx
  mov [r8 + mech.sw_reserve], rax
  inc qword [r8 + mech.sw_reserved]
  jmp sw_top_up
.done:
  ret
