; mem_object.asm — the per-CPU small-object allocator: size classes 16, 32, ... 2048 bytes, carved from
; slabs (SLAB_SIZE blocks of the page allocator, aligned to their size, header first).
;
; Calling convention: System V (kernel.asm); GS = this CPU's percpu block. No lock, no lock-prefixed
; instruction: a slab belongs to the CPU that took it from its page allocator (slab.owner) and only that
; CPU ever changes the slab. obj_free on another CPU sends the object home as MSG_K_OBJ_FREE through the
; matrix; reading slab.owner there is safe because the owner wrote it before handing out the object, and
; the object's address can only have reached the other CPU after that (x86 stores become visible in
; program order, and whatever carried the address was published after them).
;
; Slab layout (SLAB_SIZE bytes, aligned to SLAB_SIZE, so obj_free finds the header by masking):
;
;   +------------------+---------+---------+-----+---------+------------------+
;   | header (struc    | object  | object  | ... | object  | never used yet   |
;   | slab, 128 bytes) | 0       | 1       |     | n       | (from .bump on)  |
;   +------------------+---------+---------+-----+---------+------------------+
;
; A class keeps its slabs that still have room on a doubly linked list (.slabs[class]). A slab whose last
; object comes back is returned to the page allocator, unless it is its class's only slab with room: that
; one stays, so an alloc/free loop does not take and give back a slab every time (at most one empty slab
; per class, OBJ_CLASSES * SLAB_SIZE per CPU). An empty slab counts as free memory in .free_bytes (the
; count is adjusted when a slab's first object is taken and its last one comes back), so .free_bytes
; keeps meaning "bytes this CPU can still hand out" and returns exactly to its value once everything
; allocated is freed.

section .text
bits 64

; obj_alloc — RDI = size in bytes (1..OBJ_MAX_SIZE). RAX = 16-byte-aligned object, or 0 (size out of
; range, or no memory). Clobbers the caller-saved registers.
obj_alloc:
  lea rax, [rdi - 1]
  cmp rax, OBJ_MAX_SIZE - 1
  ja .fail                              ; unsigned: size 0 wraps round and lands here too
  xor ecx, ecx
  cmp rdi, 1 << OBJ_MIN_SHIFT
  jbe .class
  bsr rcx, rax                          ; class = ceil(log2(size)) - OBJ_MIN_SHIFT
  sub ecx, OBJ_MIN_SHIFT - 1
.class:
  mov r8, [gs:percpu.mech]
  mov rdx, [r8 + mech.slabs + rcx * 8]
  test rdx, rdx
  jnz .have_slab
  push rcx
  mov edi, SLAB_ORDER
  call page_alloc_order
  pop rcx
  test rax, rax
  jz .fail
  mov rdx, rax
  add qword [r8 + mech.free_bytes], SLAB_SIZE   ; empty: still free until its first object goes out
  mov dword [rdx + slab.magic], SLAB_MAGIC
  mov [rdx + slab.class], ecx
  mov eax, [r8 + mech.cpu]
  mov [rdx + slab.owner], eax
  mov dword [rdx + slab.inuse], 0
  mov qword [rdx + slab.free], 0
  lea rax, [rdx + SLAB_HEADER]
  mov [rdx + slab.bump], rax
  mov qword [rdx + slab.prev], 0
  mov qword [rdx + slab.next], 0
  mov eax, 1 << OBJ_MIN_SHIFT
  shl eax, cl
  mov [rdx + slab.objsize], rax
  mov qword [rdx + slab.listed], 1
  mov [r8 + mech.slabs + rcx * 8], rdx
.have_slab:                             ; RDX = slab with room, the head of its class's list
  mov rax, [rdx + slab.free]
  test rax, rax
  jz .from_bump
  mov r9, [rax]
  mov [rdx + slab.free], r9
  jmp .taken
.from_bump:
  mov rax, [rdx + slab.bump]
  mov r9, rax
  add r9, [rdx + slab.objsize]
  mov [rdx + slab.bump], r9
.taken:
  cmp dword [rdx + slab.inuse], 0
  jne .counted
  sub qword [r8 + mech.free_bytes], SLAB_SIZE
.counted:
  inc dword [rdx + slab.inuse]
  inc qword [r8 + mech.obj_allocs]
  cmp qword [rdx + slab.free], 0
  jne .done
  mov r9, [rdx + slab.bump]
  add r9, [rdx + slab.objsize]
  lea r10, [rdx + SLAB_SIZE]
  cmp r9, r10
  jbe .done
  ; Full: off the list. It is the head, so the next slab (if any) becomes the head.
  mov r9, [rdx + slab.next]
  mov [r8 + mech.slabs + rcx * 8], r9
  test r9, r9
  jz .unlisted
  mov qword [r9 + slab.prev], 0
.unlisted:
  mov qword [rdx + slab.listed], 0
.done:
  ret
.fail:
  xor eax, eax
  ret

; obj_free — RDI = object from obj_alloc on any CPU (0 is ignored). Back to its slab at once if this CPU
; owns it, else through the matrix to the owner. Clobbers the caller-saved registers.
obj_free:
  test rdi, rdi
  jz .done
  mov rdx, rdi
  and rdx, -SLAB_SIZE
  mov eax, [rdx + slab.owner]
  mov r8, [gs:percpu.mech]
  cmp eax, [r8 + mech.cpu]
  je obj_free_local
  inc qword [r8 + mech.remote_sent]
  mov rdx, rdi
  mov edi, eax
  mov esi, MSG_K_OBJ_FREE
  xor ecx, ecx
  xor r8d, r8d
  jmp kmsg_send
.done:
  ret

; obj_free_local — RDI = object of a slab this CPU owns. Clobbers RAX, RCX, RDX, RSI, RDI, R8-R10.
obj_free_local:
  mov r8, [gs:percpu.mech]
  mov rdx, rdi
  and rdx, -SLAB_SIZE
  inc qword [r8 + mech.obj_frees]
  mov rax, [rdx + slab.free]
  mov [rdi], rax
  mov [rdx + slab.free], rdi
  mov ecx, [rdx + slab.class]
  dec dword [rdx + slab.inuse]
  jz .empty
  cmp qword [rdx + slab.listed], 0
  jne .done
  ; It had been full: it has room again, so it goes at the head of its class's list.
  mov r9, [r8 + mech.slabs + rcx * 8]
  mov [rdx + slab.next], r9
  mov qword [rdx + slab.prev], 0
  test r9, r9
  jz .head
  mov [r9 + slab.prev], rdx
.head:
  mov [r8 + mech.slabs + rcx * 8], rdx
  mov qword [rdx + slab.listed], 1
.done:
  ret
.empty:                                 ; no object in use: free memory again
  add qword [r8 + mech.free_bytes], SLAB_SIZE
  cmp qword [rdx + slab.listed], 0
  je .release
  mov r9, [rdx + slab.prev]
  mov r10, [rdx + slab.next]
  mov rax, r9
  or rax, r10
  jz .done                              ; the class's only slab with room: keep it for the next alloc
  test r10, r10
  jz .no_next
  mov [r10 + slab.prev], r9
.no_next:
  test r9, r9
  jz .was_head
  mov [r9 + slab.next], r10
  jmp .release
.was_head:
  mov [r8 + mech.slabs + rcx * 8], r10
.release:
  sub qword [r8 + mech.free_bytes], SLAB_SIZE   ; page_free_local counts it back
  mov dword [rdx + slab.magic], 0
  mov rdi, rdx
  mov esi, SLAB_ORDER
  jmp page_free_local
