; mem_page.asm — the per-CPU page allocator: blocks of 2^order pages (order 0..PAGE_MAX_ORDER), each
; aligned to its own size, taken from memory this CPU owns on its own NUMA node.
;
; Calling convention: System V (kernel.asm). Every routine runs on the CPU whose allocator it uses, with
; GS = that CPU's percpu block; none takes a lock or uses a lock-prefixed instruction, because nothing
; here is ever written by another CPU (see the ownership table in mech_defs.asm). A block freed on a CPU
; that does not own it goes back to its owner as a MSG_K_PAGE_FREE message through the matrix, and the
; owner puts it on its list when its scheduler drains the kernel rings.
;
; How memory is shared out (mem_init_cpu, on each CPU at its start): the usable ranges of the CPU's node
; (node_ranges, filled by the boot code from SRAT or the memory map) are summed, the sum is cut into equal
; page-aligned shares, one per CPU of the node in cpu_id order (the last takes the remainder), and the
; share is located in the ranges — at most MECH_RANGES pieces. Each piece is a bump range [next, end):
; memory never handed out yet, so starting costs nothing however large the machine. Blocks come from, in
; order: the free list of that order; the bump ranges (the gap left by aligning the bump pointer is cut
; into smaller aligned blocks and put on their free lists, so no byte is lost); a larger free block split
; in halves. A freed block is merged with its buddy (the other half of the block of the next order, at
; address ^ size) while the buddy is free and of the same order, as in a buddy allocator, so memory
; freed page by page becomes large blocks again (the collector's semispaces need them).
;
; Free blocks: the lists are doubly linked through the blocks themselves ([block] = next, [block+8] =
; prev), and each piece has a free map at its start, a byte per page of the piece: order+1 at the first
; page of a free block, 0 everywhere else (pages in use, inside a free block, or still in a bump range).
; The map is how a free finds its buddy without reading memory that may be in use.
;
; A thread that finds its CPU's memory used up can borrow from the rest of its node (page_alloc_node).
;
; Free memory is counted exactly (.free_bytes = bytes on the free lists + bytes left in the bump ranges),
; which is what the allocator stress test holds against its starting value.

section .text
bits 64
mem_page_text_start:                    ; stack_window.asm: faults between these labels take a reserve page

; page_alloc_order — EDI = order. RAX = address of a free block of 2^order pages, aligned to its size,
; or 0 (order too large, or this CPU's memory is used up). Clobbers RCX, RDX, RSI, RDI, R8-R11.
page_alloc_order:
  cmp edi, PAGE_MAX_ORDER
  ja .fail
  mov r8, [gs:percpu.mech]
  mov ecx, edi
  mov rax, [r8 + mech.free_lists + rcx * 8]
  test rax, rax
  jz .bump
  push rax
  mov rdi, rax
  call free_unlink
  pop rax
.got:                                   ; RAX = block, ECX = order, R8 = mech
  mov edx, PAGE_SIZE
  shl rdx, cl
  sub [r8 + mech.free_bytes], rdx
  inc qword [r8 + mech.page_allocs]
  ret

.bump:
  mov r9d, PAGE_SIZE
  shl r9, cl                            ; R9 = block size
.range:
  mov r10d, [r8 + mech.range_cur]
  cmp r10d, [r8 + mech.range_count]
  jae .split
  mov rdi, [r8 + mech.bump_next + r10 * 8]
  lea r11, [r9 - 1]
  lea rax, [rdi + r11]
  not r11
  and rax, r11                          ; first aligned address at or above the bump pointer
  lea rdx, [rax + r9]
  cmp rdx, [r8 + mech.bump_end + r10 * 8]
  ja .range_used_up
  mov [r8 + mech.bump_next + r10 * 8], rdx
  mov rsi, rax                          ; the alignment gap [old next, block) goes to the free lists
  push rax
  push rcx
  call carve_free
  pop rcx
  pop rax
  jmp .got
.range_used_up:                         ; too small for this block: hand its rest to the free lists
  mov rsi, [r8 + mech.bump_end + r10 * 8]
  mov [r8 + mech.bump_next + r10 * 8], rsi
  inc dword [r8 + mech.range_cur]
  push rcx
  push r9
  call carve_free
  pop r9
  pop rcx
  jmp .range

.split:                                 ; bump ranges exhausted: halve the smallest larger free block
  mov edx, ecx
.larger:
  inc edx
  cmp edx, PAGE_MAX_ORDER
  ja .fail
  mov rax, [r8 + mech.free_lists + rdx * 8]
  test rax, rax
  jz .larger
  push rcx
  push rdx
  push rax
  mov rdi, rax
  mov ecx, edx
  call free_unlink
  pop rax
  pop rdx
  pop rcx
.halve:                                 ; keep the lower half, free the upper half one order down
  dec edx
  push rax
  push rcx
  push rdx
  mov rdi, PAGE_SIZE
  mov ecx, edx
  shl rdi, cl
  add rdi, rax
  call free_push                        ; its buddy is the lower half, in use: nothing to merge
  pop rdx
  pop rcx
  pop rax
  cmp edx, ecx
  ja .halve
  jmp .got

.fail:
  xor eax, eax
  ret

; page_alloc_node — EDI = order. Like page_alloc_order, but when this CPU's own memory is used up it
; asks the other CPUs of its node in turn (MSG_K_PAGE_REQ) for a block from theirs: the node's remaining
; pages. The block stays the lender's (page_owner finds it there), so freeing it anywhere sends it back
; to the lender. Waits for each answer by sleeping (PAGE_REQ_POLL_NS), so call it from a thread only —
; never from a message handler. RAX = block or 0. Clobbers the caller-saved registers.
page_alloc_node:
  push rbx
  push r12
  push r13
  mov ebx, edi
  call page_alloc_order
  test rax, rax
  jnz .out
  cmp ebx, PAGE_MAX_ORDER
  ja .out
  xor r12d, r12d                        ; CPU to ask
.ask:
  cmp r12d, [ncpus]
  jae .none
  mov r8, [gs:percpu.mech]
  cmp r12d, [r8 + mech.cpu]
  je .next
  movzx eax, byte [cpu_node + r12]
  cmp eax, [r8 + mech.node]
  jne .next
  mov r13, [r8 + mech.current]
  add r13, thread.reply                 ; R13: the reply, in this thread's tcb
  mov qword [r13 + page_reply.done], 0
  mov qword [r13 + page_reply.block], 0
  mov edi, r12d
  mov esi, MSG_K_PAGE_REQ
  mov edx, ebx
  mov rcx, r13
  xor r8d, r8d
  call kmsg_send
.wait:                                  ; the lender writes .block, then .done (x86 keeps that order)
  cmp qword [r13 + page_reply.done], 0
  jne .answered
  mov edi, PAGE_REQ_POLL_NS
  call thread_sleep
  jmp .wait
.answered:
  mov rax, [r13 + page_reply.block]
  test rax, rax
  jnz .out
.next:
  inc r12d
  jmp .ask
.none:
  xor eax, eax
.out:
  pop r13
  pop r12
  pop rbx
  ret

; carve_free — puts [RDI, RSI) (page-aligned) on the free lists as the largest aligned blocks that fit,
; each merged with free buddies (free_insert). Does not change .free_bytes: the bytes were already
; counted free in a bump range. R8 = mech. Clobbers RAX, RCX, RDX, RDI, R9-R11.
carve_free:
  cmp rdi, rsi
  jae .done
  bsf rcx, rdi                          ; the address's alignment bounds the block's order
  sub ecx, PAGE_SHIFT
  cmp ecx, PAGE_MAX_ORDER
  jbe .fit
  mov ecx, PAGE_MAX_ORDER
.fit:
  mov edx, PAGE_SIZE
  shl rdx, cl
  lea rax, [rdi + rdx]
  cmp rax, rsi
  jbe .push
  dec ecx
  jmp .fit
.push:
  push rsi
  push rax                              ; the next block's address
  call free_insert
  pop rdi
  pop rsi
  jmp carve_free
.done:
  ret

; page_free_order — RDI = block from page_alloc_order (on any CPU), ESI = its order. The owner's free
; lists get it back (merged with its free buddies): at once if this CPU owns it, else through the matrix. RAX = 0, or -1 when no CPU
; owns the address (it was never allocated here; nothing is done). Clobbers the caller-saved registers.
page_free_order:
  push rbx
  push r12
  mov rbx, rdi
  mov r12d, esi
  call page_owner
  test eax, eax
  js .foreign
  mov r8, [gs:percpu.mech]
  cmp eax, [r8 + mech.cpu]
  jne .remote
  mov rdi, rbx
  mov esi, r12d
  call page_free_local
  xor eax, eax
  jmp .out
.remote:
  inc qword [r8 + mech.remote_sent]
  mov edi, eax
  mov esi, MSG_K_PAGE_FREE
  mov rdx, rbx
  mov ecx, r12d
  xor r8d, r8d
  call kmsg_send
  xor eax, eax
  jmp .out
.foreign:
  mov rax, -1
.out:
  pop r12
  pop rbx
  ret

; page_free_local — RDI = block this CPU owns, ESI = its order: back on the free lists, merged with
; its free buddies. Clobbers RAX, RCX, RDX, RDI, RSI, R8-R11.
page_free_local:
  mov r8, [gs:percpu.mech]
  mov ecx, esi
  mov edx, PAGE_SIZE
  shl rdx, cl
  add [r8 + mech.free_bytes], rdx
  inc qword [r8 + mech.page_frees]
  mov ecx, esi
  jmp free_insert

; free_insert — RDI = a block of order ECX this CPU owns, not on any list: merges it with its buddy
; while the buddy is free with the same order and the pair lies in the same piece, then puts the
; result on its list. R8 = mech. Clobbers RAX, RCX, RDX, RDI, RSI, R9-R11.
free_insert:
  call free_map_of                      ; RSI = the piece's biased map, R9 = its start, R10 = its end
.merge:
  cmp ecx, PAGE_MAX_ORDER
  jae free_push
  mov edx, PAGE_SIZE
  shl rdx, cl                           ; RDX = block size
  mov r11, rdi
  xor r11, rdx                          ; R11 = buddy
  cmp r11, r9
  jb free_push                          ; the pair would start before the piece
  lea rax, [r11 + rdx]
  cmp rax, r10
  ja free_push                          ; or end after it
  mov rax, r11
  shr rax, PAGE_SHIFT
  movzx eax, byte [rsi + rax]
  dec eax
  cmp eax, ecx
  jne free_push                         ; the buddy is in use, split, or still in a bump range
  push rdi
  mov rdi, r11
  call free_unlink
  pop rdi
  and rdi, r11                          ; the pair starts at the lower of the two
  inc ecx
  jmp .merge

; free_push — RDI = a free block of order ECX this CPU owns: first on its list, marked in the map.
; R8 = mech. Clobbers RAX, RDX, RSI, R9, R10.
free_push:
  call free_map_of
  mov rax, [r8 + mech.free_lists + rcx * 8]
  mov [rdi], rax                        ; next
  mov qword [rdi + 8], 0                ; prev
  test rax, rax
  jz .first
  mov [rax + 8], rdi
.first:
  mov [r8 + mech.free_lists + rcx * 8], rdi
  mov rax, rdi
  shr rax, PAGE_SHIFT
  lea edx, [ecx + 1]
  mov [rsi + rax], dl
  ret

; free_unlink — RDI = a block on the list of order ECX: off the list, unmarked in the map. R8 = mech.
; Clobbers RAX, RDX, RSI, R9, R10.
free_unlink:
  mov rax, [rdi]                        ; next
  mov rdx, [rdi + 8]                    ; prev
  test rax, rax
  jz .no_next
  mov [rax + 8], rdx
.no_next:
  test rdx, rdx
  jz .was_first
  mov [rdx], rax
  jmp .unmark
.was_first:
  mov [r8 + mech.free_lists + rcx * 8], rax
.unmark:
  call free_map_of
  mov rax, rdi
  shr rax, PAGE_SHIFT
  mov byte [rsi + rax], 0
  ret

; free_map_of — RDI = an address in one of this CPU's pieces: RSI = that piece's free map, biased so
; that address A's byte is [RSI + (A >> PAGE_SHIFT)], R9 = the piece's start, R10 = its end. R8 = mech. Every block on the lists is in a piece (page_free_order sends blocks
; of other CPUs to their owner). Clobbers RAX.
free_map_of:
  xor eax, eax
.piece:
  mov r9, [r8 + mech.own_start + rax * 8]
  mov r10, [r8 + mech.own_end + rax * 8]
  cmp rdi, r9
  jb .next
  cmp rdi, r10
  jb .found
.next:
  inc eax
  cmp eax, [r8 + mech.range_count]
  jb .piece
  ud2                                   ; a block outside this CPU's memory: a kernel bug, stop here
.found:
  mov rsi, [r8 + mech.free_map + rax * 8]
  ret

; page_owner — EAX = the CPU whose allocator owns address RDI, or -1. Reads other CPUs' .own_* fields,
; which their CPU wrote before publishing cpu_ready and never changes again. Clobbers RCX, RDX, R8, R9.
page_owner:
  xor eax, eax
.cpu:
  cmp eax, [ncpus]
  jae .none
  mov r8d, eax
  imul r8, r8, MECH_STRIDE
  add r8, mech_blocks
  mov r9d, [r8 + mech.range_count]
  xor ecx, ecx
.piece:
  cmp ecx, r9d
  jae .next_cpu
  cmp rdi, [r8 + mech.own_start + rcx * 8]
  jb .next_piece
  cmp rdi, [r8 + mech.own_end + rcx * 8]
  jb .found
.next_piece:
  inc ecx
  jmp .piece
.next_cpu:
  inc eax
  jmp .cpu
.none:
  mov eax, -1
.found:
  ret

; mem_init_cpu — gives this CPU its share of its node's memory (see the header). Needs node_ranges,
; node_range_count, cpu_node and ncpus from the boot code, and [gs:percpu.mech] set. Clobbers the
; caller-saved registers.
mem_init_cpu:
  push rbx
  push r12
  push r13
  push r14
  push r15
  mov rbx, [gs:percpu.mech]
  ; R12D = CPUs in this node, R13D = how many of them come before this one.
  mov eax, [rbx + mech.cpu]
  movzx r15d, byte [cpu_node + rax]     ; R15D = node
  mov [rbx + mech.node], r15d
  xor r12d, r12d
  xor r13d, r13d
  xor ecx, ecx
.count:
  cmp ecx, [ncpus]
  jae .counted
  movzx edx, byte [cpu_node + rcx]
  cmp edx, r15d
  jne .count_next
  inc r12d
  cmp ecx, eax
  jae .count_next
  inc r13d
.count_next:
  inc ecx
  jmp .count
.counted:
  ; R14 = usable bytes of the node (each range trimmed to whole pages).
  xor r14d, r14d
  xor ecx, ecx
.sum:
  cmp ecx, [node_range_count]
  jae .summed
  call .trimmed_range                   ; RSI, RDI = page-aligned [start, end) of range RCX, or empty
  add r14, rdi
  sub r14, rsi
  inc ecx
  jmp .sum
.summed:
  ; share = whole pages of R14 / R12; ours starts at R13 * share; the node's last CPU takes the rest.
  mov rax, r14
  xor edx, edx
  div r12
  and rax, -PAGE_SIZE
  lea edx, [r12d - 1]                   ; index of the node's last CPU
  mov r10d, r13d
  imul r13, rax                         ; R13 = offset of our share within the node's bytes
  mov r12, rax                          ; R12 = bytes still to take
  cmp r10d, edx
  jne .walk_start
  mov r12, r14
  sub r12, r13
.walk_start:
  xor ecx, ecx                          ; range index
  xor r8d, r8d                          ; pieces taken
  mov [rbx + mech.total_bytes], r12
  mov [rbx + mech.free_bytes], r12
.walk:
  test r12, r12
  jz .walked
  cmp ecx, [node_range_count]
  jae .walked
  cmp r8d, MECH_RANGES
  jae .walked
  call .trimmed_range
  mov rax, rdi
  sub rax, rsi                          ; bytes in this range
  cmp r13, rax
  jae .skip_range                       ; our share starts further on
  add rsi, r13                          ; piece = [start + offset, min(end, start + offset + left))
  xor r13d, r13d
  mov rax, rdi
  sub rax, rsi
  cmp rax, r12
  jbe .whole
  lea rdi, [rsi + r12]
  mov rax, r12
.whole:
  sub r12, rax
  mov [rbx + mech.own_start + r8 * 8], rsi
  mov [rbx + mech.bump_next + r8 * 8], rsi
  mov [rbx + mech.own_end + r8 * 8], rdi
  mov [rbx + mech.bump_end + r8 * 8], rdi
  inc r8d
  inc ecx
  jmp .walk
.skip_range:
  sub r13, rax
  inc ecx
  jmp .walk
.walked:
  ; Pieces beyond MECH_RANGES are not taken: count only what the CPU really has.
  sub [rbx + mech.total_bytes], r12
  sub [rbx + mech.free_bytes], r12
  mov [rbx + mech.range_count], r8d
  mov dword [rbx + mech.range_cur], 0
  ; Each piece's free map (a byte per page) takes the piece's first pages, zeroed; they stay in use.
  xor r9d, r9d
.map:
  cmp r9d, r8d
  jae .mapped
  mov rdi, [rbx + mech.own_start + r9 * 8]
  mov rdx, [rbx + mech.own_end + r9 * 8]
  sub rdx, rdi                          ; piece bytes
  mov rcx, rdx
  shr rcx, PAGE_SHIFT                   ; pages = map bytes
  add rcx, PAGE_SIZE - 1
  and rcx, -PAGE_SIZE                   ; whole pages of map
  cmp rcx, rdx
  cmova rcx, rdx                        ; a piece of one page is all map
  mov rax, rdi
  shr rax, PAGE_SHIFT
  neg rax
  add rax, rdi                          ; the map less the piece's first page number (free_map_of)
  mov [rbx + mech.free_map + r9 * 8], rax
  lea rax, [rdi + rcx]
  mov [rbx + mech.bump_next + r9 * 8], rax
  sub [rbx + mech.free_bytes], rcx
  shr rcx, 3
  xor eax, eax
  rep stosq
  inc r9d
  jmp .map
.mapped:
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; RSI, RDI = range ECX of node_ranges trimmed to whole pages, or RSI = RDI when it is empty or belongs
; to another node than R15D. Clobbers RAX, RDX.
.trimmed_range:
  imul rax, rcx, mem_range_size
  add rax, node_ranges
  mov rsi, [rax + mem_range.start]
  mov rdi, [rax + mem_range.end]
  mov rdx, [rax + mem_range.node]
  add rsi, PAGE_SIZE - 1
  and rsi, -PAGE_SIZE
  and rdi, -PAGE_SIZE
  cmp edx, r15d
  jne .empty
  cmp rdi, rsi
  ja .trimmed
.empty:
  mov rdi, rsi
.trimmed:
  ret

; mem_stats — copies CPU EDI's MECH_NSTATS counters (struc mech from .total_bytes on) to RSI. RAX = how
; many, or 0 for a CPU that does not exist. The other CPU may be changing them: each is a snapshot.
mem_stats:
  xor eax, eax
  cmp edi, [ncpus]
  jae .done
  imul rdi, rdi, MECH_STRIDE
  lea rdx, [mech_blocks + rdi + MECH_STATS]
  xor ecx, ecx
.copy:
  mov rax, [rdx + rcx * 8]
  mov [rsi + rcx * 8], rax
  inc ecx
  cmp ecx, MECH_NSTATS
  jb .copy
  mov eax, MECH_NSTATS
.done:
  ret

; node_free_bytes — RAX = free bytes of all CPUs of node EDI (a snapshot), RDX = their total bytes.
node_free_bytes:
  xor eax, eax
  xor edx, edx
  xor ecx, ecx
.cpu:
  cmp ecx, [ncpus]
  jae .done
  movzx r8d, byte [cpu_node + rcx]
  cmp r8d, edi
  jne .next
  mov r8d, ecx
  imul r8, r8, MECH_STRIDE
  add rax, [mech_blocks + r8 + mech.free_bytes]
  add rdx, [mech_blocks + r8 + mech.total_bytes]
.next:
  inc ecx
  jmp .cpu
.done:
  ret

mem_page_text_end:

section .bss
alignb 64
mech_blocks:
  resb MECH_STRIDE * MAX_CPUS
