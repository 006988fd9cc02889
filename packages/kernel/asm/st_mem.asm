; st_mem.asm — self-test "mem": where each CPU's memory comes from.
;
;   toro: result mem range start=<hex> end=<hex> node=<n>          every node_ranges entry (boot's view)
;   toro: result mem cpu=<i> node=<n> total=<bytes> free=<bytes> page=<hex> object=<hex>
;   toro: result mem cpu=<i> piece start=<hex> end=<hex>            the memory the CPU owns
;   toro: result mem node=<n> free=<bytes> total=<bytes>            node_free_bytes
; A thread on each CPU allocates a page and a 64-byte object there and frees them again.
; Pass: each CPU's page and object lie in a range of its own node.
; Calling convention: System V (kernel.asm).

; slot words: 0 page, 1 object, 2 node

section .text
bits 64

st_mem:
  push rbx
  push r12
  push r13
  xor r12d, r12d
  xor ebx, ebx
.range:
  cmp ebx, [node_range_count]
  jae .ranges_done
  call st_result_prefix
  imul r13, rbx, mem_range_size
  add r13, node_ranges
  mov rdi, key_range_start
  mov rsi, [r13 + mem_range.start]
  call st_kv_hex
  mov rdi, key_end
  mov rsi, [r13 + mem_range.end]
  call st_kv_hex
  mov rdi, key_node
  mov rsi, [r13 + mem_range.node]
  call st_kv
  call print_newline
  inc ebx
  jmp .range
.ranges_done:
  mov rdi, st_mem_worker
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  call st_wait
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .nodes
  imul r13d, ebx, ST_SLOT
  add r13, st_slots
  mov edi, ebx
  call st_result_cpu
  mov rdi, key_node
  mov rsi, [r13 + 16]
  call st_kv
  mov edi, ebx
  mov rsi, st_stats
  call mem_stats
  mov rdi, key_total
  mov rsi, [st_stats + (mech.total_bytes - MECH_STATS)]
  call st_kv
  mov rdi, key_free
  mov rsi, [st_stats + (mech.free_bytes - MECH_STATS)]
  call st_kv
  mov rdi, key_page
  mov rsi, [r13]
  call st_kv_hex
  mov rdi, key_object
  mov rsi, [r13 + 8]
  call st_kv_hex
  call print_newline
  mov rdi, [r13]
  mov rsi, [r13 + 16]
  call st_mem_in_node
  or r12d, eax
  mov rdi, [r13 + 8]
  mov rsi, [r13 + 16]
  call st_mem_in_node
  or r12d, eax
  ; the pieces it owns
  imul r13d, ebx, MECH_STRIDE
  add r13, mech_blocks
  push rbx
  xor ebx, ebx
.piece:
  cmp ebx, [r13 + mech.range_count]
  jae .pieces_done
  mov rdi, [rsp]
  call st_result_cpu
  mov rdi, key_piece_start
  mov rsi, [r13 + mech.own_start + rbx * 8]
  call st_kv_hex
  mov rdi, key_end
  mov rsi, [r13 + mech.own_end + rbx * 8]
  call st_kv_hex
  call print_newline
  inc ebx
  jmp .piece
.pieces_done:
  pop rbx
  inc ebx
  jmp .cpu
.nodes:
  xor ebx, ebx
.node:
  cmp ebx, [nnodes]
  jae .out
  call st_result_prefix
  mov rdi, key_node
  mov esi, ebx
  call st_kv
  mov edi, ebx
  call node_free_bytes
  push rdx
  mov rdi, key_free
  mov rsi, rax
  call st_kv
  pop rsi
  mov rdi, key_total
  call st_kv
  call print_newline
  inc ebx
  jmp .node
.out:
  mov eax, r12d
  pop r13
  pop r12
  pop rbx
  ret

; st_mem_in_node — EAX = ST_PASS when address RDI lies in a node_ranges entry of node RSI.
st_mem_in_node:
  xor ecx, ecx
.range:
  cmp ecx, [node_range_count]
  jae .no
  imul rax, rcx, mem_range_size
  add rax, node_ranges
  inc ecx
  cmp [rax + mem_range.node], rsi
  jne .range
  cmp rdi, [rax + mem_range.start]
  jb .range
  cmp rdi, [rax + mem_range.end]
  jae .range
  xor eax, eax
  ret
.no:
  mov eax, ST_FAIL
  ret

st_mem_worker:
  push rbx
  call st_slot
  mov rbx, rax
  xor edi, edi
  call page_alloc_order
  mov [rbx], rax
  mov edi, 64
  call obj_alloc
  mov [rbx + 8], rax
  mov r8, [gs:percpu.mech]
  mov eax, [r8 + mech.node]
  mov [rbx + 16], rax
  mov rdi, [rbx + 8]
  call obj_free
  mov rdi, [rbx]
  xor esi, esi
  call page_free_order
  pop rbx
  jmp st_signal

; st_borrow — self-test "borrow": a thread on CPU 0 takes 1 MiB blocks with toro_page_alloc until none is
; left in its node, so once its own memory is used up it borrows from the node's other CPUs
; (page_alloc_node); then frees them all (borrowed ones go back to their lenders through the matrix).
;   toro: result borrow own=<blocks from CPU 0> borrowed=<blocks from others> node_free_before=<bytes>
;   toro: result borrow cpu=<i> free_before=... (st_check_memory)
; Pass: every CPU's memory is back; with other CPUs in the node, some blocks were borrowed.
ST_BORROW_PAGES equ 256

st_borrow:
  push rbx
  xor edi, edi
  call st_snapshot
  movzx edi, byte [cpu_node]
  call node_free_bytes
  mov rbx, rax
  xor edi, edi
  mov rsi, st_borrow_worker
  xor edx, edx
  call thread_create_on
  mov edi, 1
  call st_wait
  mov edi, 1
  call st_snapshot
  call st_result_prefix
  mov rdi, key_own
  mov rsi, [st_slots]
  call st_kv
  mov rdi, key_borrowed
  mov rsi, [st_slots + 8]
  call st_kv
  mov rdi, key_node_free_before
  mov rsi, rbx
  call st_kv
  call print_newline
  call st_check_memory
  mov ebx, eax
  xor ecx, ecx                          ; CPUs sharing CPU 0's node
  xor edx, edx
.count:
  cmp edx, [ncpus]
  jae .counted
  movzx eax, byte [cpu_node + rdx]
  cmp al, [cpu_node]
  jne .other_node
  inc ecx
.other_node:
  inc edx
  jmp .count
.counted:
  cmp ecx, 1
  je .out
  cmp qword [st_slots + 8], 0
  jne .out
  mov ebx, ST_FAIL
.out:
  mov eax, ebx
  pop rbx
  ret

st_borrow_worker:                       ; slot words: 0 own blocks, 1 borrowed blocks
  push rbx
  push r12
  xor ebx, ebx                          ; list of blocks, linked through their first qword
.take:
  mov edi, ST_BORROW_PAGES
  call toro_page_alloc
  test rax, rax
  jz .free
  mov [rax], rbx
  mov rbx, rax
  mov rdi, rax
  call page_owner
  xor ecx, ecx
  test eax, eax
  setnz cl                              ; CPU 0 is the owner: own; else borrowed
  inc qword [st_slots + rcx * 8]
  jmp .take
.free:
  test rbx, rbx
  jz .done
  mov rdi, rbx
  mov rbx, [rbx]
  mov esi, ST_BORROW_PAGES
  call toro_page_free
  jmp .free
.done:
  pop r12
  pop rbx
  jmp st_signal

section .rodata
key_range_start: db " range start=", 0
key_piece_start: db " piece start=", 0
key_end:         db " end=", 0
key_node:        db " node=", 0
key_free:        db " free=", 0
key_page:        db " page=", 0
key_object:      db " object=", 0
key_own:         db " own=", 0
key_borrowed:    db " borrowed=", 0
key_node_free_before: db " node_free_before=", 0
