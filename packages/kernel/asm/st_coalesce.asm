; st_coalesce.asm — self-test "coalesce": memory freed a page at a time becomes large blocks again.
;
; On every CPU a thread finds the largest order its allocator gives (from PAGE_MAX_ORDER down, the
; block freed at once), then takes every page the allocator has left as single pages (order 0, chained
; through their first word) and frees them all: every other page of the chain first (each free finds
; its buddy still in use), then the rest (each finds it free). Then it finds the largest order again.
;
;   toro: result coalesce cpu=<i> pages=<n> largest_before=<k> largest_after=<m> free_before=<a>
;     free_after=<b>
; Pass: on every CPU it took some pages, m >= k (without merging, single pages would stay single pages
; and m would be 0) and b = a.
; Calling convention: System V (kernel.asm).

; slot words: 0 pages, 1 largest before, 2 largest after, 3 free before, 4 free after

section .text
bits 64

st_coalesce:
  push rbx
  push r12
  push r13
  mov rdi, st_coalesce_worker
  xor esi, esi
  call st_on_every_cpu
  mov edi, [ncpus]
  call st_wait
  xor r12d, r12d                        ; verdict
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .done
  mov edi, ebx
  call st_result_cpu
  call .slot
  cmp qword [rax], 0
  jne .took
  mov r12d, ST_FAIL
.took:
  xor r13d, r13d                        ; slot word, and its key
.word:
  call .slot
  mov rdi, [st_coalesce_keys + r13 * 8]
  mov rsi, [rax + r13 * 8]
  call st_kv
  inc r13d
  cmp r13d, 5
  jb .word
  call print_newline
  call .slot
  mov rdx, [rax + 16]
  cmp rdx, [rax + 8]
  jge .merged
  mov r12d, ST_FAIL
.merged:
  mov rdx, [rax + 32]
  cmp rdx, [rax + 24]
  je .next
  mov r12d, ST_FAIL
.next:
  inc ebx
  jmp .cpu
.done:
  mov eax, r12d
  pop r13
  pop r12
  pop rbx
  ret
.slot:                                  ; RAX = CPU EBX's slot
  imul eax, ebx, ST_SLOT
  add rax, st_slots
  ret

; st_coalesce_worker — see the file header; results in this CPU's slot.
st_coalesce_worker:
  push rbx
  push r12
  push r13
  push r14
  call st_slot
  mov r14, rax
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.free_bytes]
  mov [r14 + 24], rax
  call st_largest_order
  mov [r14 + 8], rax
  ; Every page left, chained through the pages' first words (R12 = head, R13 = how many).
  xor r12d, r12d
  xor r13d, r13d
.take:
  xor edi, edi
  call page_alloc_order
  test rax, rax
  jz .taken
  mov [rax], r12
  mov r12, rax
  inc r13
  jmp .take
.taken:
  mov [r14], r13
  ; Free pages 0, 2, 4, ... of the chain; keep 1, 3, 5, ... on a second chain (RBX).
  xor ebx, ebx
.evens:
  test r12, r12
  jz .evens_done
  mov r13, [r12]                        ; the page after it, kept
  mov rdi, r12
  xor esi, esi
  call page_free_order
  test r13, r13
  jz .evens_done
  mov r12, [r13]                        ; the next one to free
  mov [r13], rbx
  mov rbx, r13
  jmp .evens
.evens_done:
.rest:
  test rbx, rbx
  jz .freed
  mov r12, [rbx]
  mov rdi, rbx
  xor esi, esi
  call page_free_order
  mov rbx, r12
  jmp .rest
.freed:
  call st_largest_order
  mov [r14 + 16], rax
  mov r8, [gs:percpu.mech]
  mov rax, [r8 + mech.free_bytes]
  mov [r14 + 32], rax
  pop r14
  pop r13
  pop r12
  pop rbx
  jmp st_signal

; st_largest_order — RAX = the largest order this CPU's allocator gives now (the block is freed again),
; or -1 when it gives none. Clobbers caller-saved.
st_largest_order:
  push rbx
  mov ebx, PAGE_MAX_ORDER
.try:
  mov edi, ebx
  call page_alloc_order
  test rax, rax
  jnz .got
  dec ebx
  jns .try
  mov rax, -1
  pop rbx
  ret
.got:
  mov rdi, rax
  mov esi, ebx
  call page_free_order
  mov eax, ebx
  pop rbx
  ret

section .rodata
align 8
st_coalesce_keys:                       ; the slot's words, in order
  dq key_pages, key_largest_before, key_largest_after, key_free_before, key_free_after
key_pages:          db " pages=", 0
key_largest_before: db " largest_before=", 0
key_largest_after:  db " largest_after=", 0

section .text
