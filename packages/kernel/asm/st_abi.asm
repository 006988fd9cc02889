; st_abi.asm — self-test "abi": every entry point of abi.asm once with good arguments and, where it
; checks them, with bad ones. One result line, `<name>=<result>` per call (decimal; -1 prints as
; 18446744073709551615, so the keys below say what each should be):
;
;   write=17 write_bad=-1 page=<aligned> page_free=0 page_free_misaligned=-1 page_zero=0 page_huge=0
;   alloc_free=0 free_misaligned=-1 free_stack=-1 alloc_zero=0 alloc_big=0 create_null=0 join=8
;   create_on_bad=-1 send_bad=-1 loop_src=<cpu> loop_a=77 clock_monotonic=1 cpu=0 cpus=<n> node=<n>
;   nodes=<n> stats=<MECH_NSTATS> stats_bad=0 node_free_ok=1 node_bad=-1 stack_big=0
;   stack_size=<SW_STACK_MAX> stack_touch=3 stack_zero=0 stack_pages=2 stack_unmap=0 stack_kept=0
;   stack_unmap_twice=-1 stack_unmap_bad=-1 stacks_many=<ST_STACKS> stacks_kept=0
;   space_zero=0 space_huge=0 space_size=<ST_SPACE> space_aligned=0 space_pages=<ST_SPACE / 4 KiB>
;   space_touch=3 space_unmap=0 space_kept=0 space_unmap_twice=-1 space_unmap_bad=-1
;   space_scattered_ok=1 space_scattered_rw=1
;   irq_vector=1 irq_none=0 irq_bad=-1 irq_enable=0 irq_enable_bad=-1 irq_wait_vector=1
;   irq_wait_early=1 irq_took=1 irq_took_again=0 irq_wait_timeout=0 irq_disabled_wait=0
;   irq_disabled_took=1 irq_kick=1 irq_route_bad=-1 irq_msi=<0xFEE00000 | apic id << 12>
; The verdict (pass) is computed here against the same expectations; the test checks each key too.
; `selftest=panic` calls toro_panic instead: "toro: panic deliberate \"test\"" and exit code 72;
; `selftest=overflow` overflows a thread's stack (st_overflow below).
; Calling convention: System V (kernel.asm).

section .text
bits 64

st_abi:
  push rbx
  push r12
  push r13
  sub rsp, 512                          ; [rsp]: message buffer, [rsp + 64]: stats buffer
  xor r13d, r13d                        ; verdict
  mov rdi, abi_hello                    ; its own line, before the result line starts
  mov esi, abi_hello_len
  call toro_console_write
  mov rbx, rax
  mov edi, 8                            ; page 0 is unmapped: null pointers fault
  mov esi, 16
  call toro_console_write
  mov r12, rax
  call st_result_prefix
  mov rdi, key_write
  mov rsi, rbx
  mov edx, abi_hello_len
  call st_abi_expect
  mov rdi, key_write_bad
  mov rsi, r12
  mov rdx, -1
  call st_abi_expect

  mov edi, 3                            ; 3 pages round up to 4: a 16 KiB block aligned to 16 KiB
  call toro_page_alloc
  mov rbx, rax
  mov rdi, key_page
  mov rsi, rax
  call st_kv_hex
  test rbx, rbx
  jz .page_bad
  test ebx, 0x3FFF
  jz .page_ok
.page_bad:
  mov r13d, ST_FAIL
.page_ok:
  lea rdi, [rbx + PAGE_SIZE]
  mov esi, 3
  call toro_page_free
  mov rdi, key_page_free_misaligned
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  mov rdi, rbx
  mov esi, 3
  call toro_page_free
  mov rdi, key_page_free
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  xor edi, edi
  call toro_page_alloc
  mov rdi, key_page_zero
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov edi, (1 << PAGE_MAX_ORDER) + 1
  call toro_page_alloc
  mov rdi, key_page_huge
  mov rsi, rax
  xor edx, edx
  call st_abi_expect

  mov edi, 100
  call toro_alloc
  mov rbx, rax
  lea rdi, [rbx + 8]
  call toro_free
  mov rdi, key_free_misaligned
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  mov rdi, rsp                          ; a stack address: no slab there
  call toro_free
  mov rdi, key_free_stack
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  mov rdi, rbx
  call toro_free
  mov rdi, key_alloc_free
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  xor edi, edi
  call toro_alloc
  mov rdi, key_alloc_zero
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov edi, OBJ_MAX_SIZE + 1
  call toro_alloc
  mov rdi, key_alloc_big
  mov rsi, rax
  xor edx, edx
  call st_abi_expect

  xor edi, edi
  xor esi, esi
  xor edx, edx
  call toro_thread_create
  mov rdi, key_create_null
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov rdi, st_abi_plus_one
  mov esi, 7
  xor edx, edx
  call toro_thread_create
  mov rdi, rax
  call toro_thread_join
  mov rdi, key_join
  mov rsi, rax
  mov edx, 8
  call st_abi_expect
  mov edi, [ncpus]
  mov rsi, st_abi_plus_one
  xor edx, edx
  call toro_thread_create_on
  mov rdi, key_create_on_bad
  movsxd rsi, eax
  mov rdx, -1
  call st_abi_expect

  mov edi, [ncpus]
  xor esi, esi
  xor edx, edx
  xor ecx, ecx
  xor r8d, r8d
  call toro_msg_send
  mov rdi, key_send_bad
  movsxd rsi, eax
  mov rdx, -1
  call st_abi_expect
  call toro_cpu_id                      ; a message to itself, read back without blocking
  mov edi, eax
  mov esi, 5
  mov edx, 77
  xor ecx, ecx
  xor r8d, r8d
  call toro_msg_send
  mov rdi, rsp
  call toro_msg_try_recv
  mov rdi, key_loop_src
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov rdi, key_loop_a
  mov rsi, [rsp + message.a]
  mov edx, 77
  call st_abi_expect
  mov edi, 8
  call toro_msg_try_recv
  mov rdi, key_recv_bad
  mov rsi, rax
  mov rdx, -2
  call st_abi_expect

  call toro_clock_ns
  mov rbx, rax
  call toro_thread_yield
  call toro_clock_ns
  xor esi, esi
  cmp rax, rbx
  setae sil
  mov rdi, key_clock_monotonic
  mov edx, 1
  call st_abi_expect
  call toro_cpu_id
  mov rdi, key_cpu
  mov esi, eax
  xor edx, edx
  call st_abi_expect
  call toro_cpu_count
  mov rdi, key_abi_cpus
  mov esi, eax
  mov edx, [ncpus]
  call st_abi_expect
  call toro_node_id
  mov rdi, key_node
  mov esi, eax
  movzx edx, byte [cpu_node]
  call st_abi_expect
  call toro_node_count
  mov rdi, key_abi_nodes
  mov esi, eax
  mov edx, [nnodes]
  call st_abi_expect
  mov edi, [ncpus]                      ; the last CPU's node, as topology recorded it
  dec edi
  call toro_cpu_node
  mov rdi, key_cpu_node
  mov esi, eax
  mov ecx, [ncpus]
  movzx edx, byte [cpu_node + rcx - 1]
  call st_abi_expect
  mov edi, [ncpus]                      ; no such CPU: EAX = -1
  call toro_cpu_node
  mov rdi, key_cpu_node_bad
  mov rsi, rax
  mov edx, -1
  call st_abi_expect
  xor edi, edi
  lea rsi, [rsp + 64]
  call toro_mem_stats
  mov rdi, key_stats
  mov rsi, rax
  mov edx, MECH_NSTATS
  call st_abi_expect
  mov edi, [ncpus]
  lea rsi, [rsp + 64]
  call toro_mem_stats
  mov rdi, key_stats_bad
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  xor edi, edi
  call toro_node_mem
  xor esi, esi
  test rax, rax
  jz .node_free
  cmp rax, rdx
  ja .node_free
  inc esi                               ; 0 < free <= total
.node_free:
  mov rdi, key_node_free_ok
  mov edx, 1
  call st_abi_expect
  mov edi, [nnodes]
  call toro_node_mem
  mov rdi, key_node_bad
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  call st_abi_stacks
  call st_abi_spaces
  call st_abi_irq
  call print_newline
  mov eax, r13d
  add rsp, 512
  pop r13
  pop r12
  pop rbx
  ret

; st_abi_expect — prints " <key>=<RSI>" (RDI = " key=") and fails the test (R13D) unless RSI = RDX.
st_abi_expect:
  cmp rsi, rdx
  je .same
  mov r13d, ST_FAIL
.same:
  jmp st_kv

ST_STACKS equ 3000                      ; more stacks at once than 128 MiB could hold committed
ST_SPACE equ 3 * 1048576 + 5 * PAGE_SIZE ; a space of three slots and a bit
ST_SCATTER equ 2048                     ; pages taken one by one; every other one is then given back

; st_abi_spaces — toro_space_map / toro_space_unmap (stack_window.asm): a space is its size in pages,
; mapped at once, aligned to a slot, and all of it comes back; one made of pages with no two next to
; each other in memory (every other page of ST_SCATTER) is contiguous to the program. Keys as in the
; header; updates R13D like st_abi_expect. Preserves RBX, R12.
st_abi_spaces:
  push rbx
  push r12
  push r14
  push r15
  xor edi, edi
  call toro_space_map
  mov rdi, key_space_zero
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov rdi, SPACE_MAX + 1
  call toro_space_map
  mov rdi, key_space_huge
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov edi, ST_SPACE                     ; once, so that the window's tables exist for the count below
  call toro_space_map
  test rax, rax
  jz .failed
  mov rdi, rax
  mov esi, ST_SPACE
  call toro_space_unmap
  mov r8, [gs:percpu.mech]
  mov r12, [r8 + mech.free_bytes]       ; R12: free bytes before
  mov edi, ST_SPACE
  call toro_space_map
  mov rbx, rax                          ; RBX: the space
  mov rdi, key_space_size
  mov rsi, rdx
  mov edx, ST_SPACE
  call st_abi_expect
  test rbx, rbx
  jz .failed
  mov rdi, key_space_aligned
  mov rsi, rbx
  and esi, SW_SLOT - 1
  xor edx, edx
  call st_abi_expect
  mov r8, [gs:percpu.mech]
  mov rsi, r12
  sub rsi, [r8 + mech.free_bytes]
  shr rsi, PAGE_SHIFT
  mov rdi, key_space_pages
  mov edx, ST_SPACE / PAGE_SIZE
  call st_abi_expect
  mov byte [rbx], 1                     ; its first byte and its last
  mov byte [rbx + ST_SPACE - 1], 2
  movzx esi, byte [rbx]
  movzx eax, byte [rbx + ST_SPACE - 1]
  add esi, eax
  mov rdi, key_space_touch
  mov edx, 3
  call st_abi_expect
  mov rdi, rbx
  mov esi, ST_SPACE
  call toro_space_unmap
  mov rdi, key_space_unmap
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov r8, [gs:percpu.mech]
  mov rsi, r12
  sub rsi, [r8 + mech.free_bytes]
  mov rdi, key_space_kept
  xor edx, edx
  call st_abi_expect
  mov rdi, rbx
  mov esi, ST_SPACE
  call toro_space_unmap
  mov rdi, key_space_unmap_twice
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  mov rdi, rsp
  mov esi, PAGE_SIZE
  call toro_space_unmap
  mov rdi, key_space_unmap_bad
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  ; Scattered pages: ST_SCATTER single pages, every other one given back, then every larger block of
  ; the CPU taken (st_abi_exhaust), so that single pages are all a space can be made of; it must still
  ; be whole to the program.
  mov edi, ST_SCATTER * 8 / PAGE_SIZE
  call toro_page_alloc
  mov r14, rax                          ; R14: the pages' addresses
  test r14, r14
  jz .failed
  xor r15d, r15d
.take:
  mov edi, 1
  call toro_page_alloc
  mov [r14 + r15 * 8], rax
  inc r15d
  cmp r15d, ST_SCATTER
  jb .take
  xor r15d, r15d
.give:
  mov rdi, [r14 + r15 * 8]
  mov esi, 1
  call toro_page_free
  add r15d, 2
  cmp r15d, ST_SCATTER
  jb .give
  call st_abi_exhaust
  push rax                              ; the blocks taken, given back below
  push rax
  mov edi, ST_SCATTER / 2 * PAGE_SIZE
  call toro_space_map
  mov rbx, rax
  test rbx, rbx
  jnz .scattered
  pop rdi
  pop rdi
  call st_abi_restore
  jmp .failed
.scattered:
  xor r15d, r15d                        ; R15: pages not next to the one before in memory
  xor r12d, r12d                        ; R12: the page
.page:
  mov rdi, r12
  shl rdi, PAGE_SHIFT
  add rdi, rbx                          ; RDI: the page's address
  mov [rdi], r12                        ; each page holds its number
  call sw_pte
  mov rax, [rax]
  mov rcx, PTE_ADDR_MASK
  and rax, rcx
  test r12, r12
  jz .first
  lea rcx, [rdx + PAGE_SIZE]
  cmp rax, rcx
  je .first
  inc r15d
.first:
  mov rdx, rax                          ; RDX: the page before, in memory
  inc r12d
  cmp r12d, ST_SCATTER / 2
  jb .page
  xor esi, esi
  cmp r15d, ST_SCATTER / 4              ; most of them: none of the scattered ones is next to another
  setae sil
  mov rdi, key_space_scattered_ok
  mov edx, 1
  call st_abi_expect
  xor r12d, r12d
  mov esi, 1
.check:
  mov rax, r12
  shl rax, PAGE_SHIFT
  cmp [rbx + rax], r12
  je .same
  xor esi, esi
.same:
  inc r12d
  cmp r12d, ST_SCATTER / 2
  jb .check
  mov rdi, key_space_scattered_rw
  mov edx, 1
  call st_abi_expect
  mov rdi, rbx
  mov esi, ST_SCATTER / 2 * PAGE_SIZE
  call toro_space_unmap
  pop rdi
  pop rdi
  call st_abi_restore
  mov r15d, 1
.back:
  mov rdi, [r14 + r15 * 8]
  mov esi, 1
  call toro_page_free
  add r15d, 2
  cmp r15d, ST_SCATTER
  jb .back
  mov rdi, r14
  mov esi, ST_SCATTER * 8 / PAGE_SIZE
  call toro_page_free
  jmp .out
.failed:
  mov r13d, ST_FAIL
.out:
  pop r15
  pop r14
  pop r12
  pop rbx
  ret

ST_IRQ_WAIT_NS equ 5000000000          ; an interrupt must end the wait long before this

; st_abi_irq — the device interrupt calls (irq.asm) with a self-IPI standing in for a device's MSI: the
; vector is recorded, ends toro_irq_wait when enabled and only then, and toro_irq_take sees it once. Keys
; as in the header; updates R13D like st_abi_expect. Preserves RBX, R12.
st_abi_irq:
  push rbx
  push r12
  push r14
  push r15
  call toro_irq_alloc
  mov ebx, eax                          ; EBX: the vector
  xor esi, esi
  cmp eax, VEC_DEVICE_FIRST
  jb .vector
  cmp eax, VEC_DEVICE_LAST
  ja .vector
  inc esi
.vector:
  mov rdi, key_irq_vector
  mov edx, 1
  call st_abi_expect
  mov edi, ebx
  call toro_irq_take
  mov rdi, key_irq_none
  movsxd rsi, eax
  xor edx, edx
  call st_abi_expect
  mov edi, VEC_TIMER                    ; not a device vector
  call toro_irq_take
  mov rdi, key_irq_bad
  movsxd rsi, eax
  mov rdx, -1
  call st_abi_expect
  mov edi, ebx
  call toro_irq_enable
  mov rdi, key_irq_enable
  movsxd rsi, eax
  xor edx, edx
  call st_abi_expect
  mov edi, VEC_DEVICE_LAST + 1
  call toro_irq_enable
  mov rdi, key_irq_enable_bad
  movsxd rsi, eax
  mov rdx, -1
  call st_abi_expect
  ; Enabled: the interrupt (pending in the APIC until the idle loop's hlt) ends a long wait early.
  call st_abi_irq_self
  call toro_clock_ns
  mov r12, rax
  mov rdi, ST_IRQ_WAIT_NS
  call toro_irq_wait
  mov r14d, eax
  call toro_clock_ns
  sub rax, r12
  mov r15, rax                          ; R15: how long the wait took
  mov rdi, key_irq_wait_vector
  movsxd rsi, r14d
  mov edx, 1
  call st_abi_expect
  xor esi, esi
  mov rax, ST_IRQ_WAIT_NS
  cmp r15, rax
  jae .late
  inc esi
.late:
  mov rdi, key_irq_wait_early
  mov edx, 1
  call st_abi_expect
  mov edi, ebx
  call toro_irq_take
  mov rdi, key_irq_took
  movsxd rsi, eax
  mov edx, 1
  call st_abi_expect
  mov edi, ebx
  call toro_irq_take
  mov rdi, key_irq_took_again
  movsxd rsi, eax
  xor edx, edx
  call st_abi_expect
  mov edi, 1000000                      ; nothing pending: the time runs out
  call toro_irq_wait
  mov rdi, key_irq_wait_timeout
  movsxd rsi, eax
  xor edx, edx
  call st_abi_expect
  ; Disabled: the arrival is recorded but does not end the wait.
  mov edi, ebx
  call toro_irq_disable
  call st_abi_irq_self
  mov edi, 20000000
  call toro_irq_wait
  mov rdi, key_irq_disabled_wait
  movsxd rsi, eax
  xor edx, edx
  call st_abi_expect
  mov edi, ebx
  call toro_irq_take
  mov rdi, key_irq_disabled_took
  movsxd rsi, eax
  mov edx, 1
  call st_abi_expect
  call toro_irq_kick                    ; nobody waits: the next wait returns at once
  mov rdi, ST_IRQ_WAIT_NS
  call toro_irq_wait
  mov rdi, key_irq_kick
  movsxd rsi, eax
  mov edx, 1
  call st_abi_expect
  mov edi, 0xFFFF                       ; no I/O APIC has that pin
  call toro_irq_route
  mov rdi, key_irq_route_bad
  movsxd rsi, eax
  mov rdx, -1
  call st_abi_expect
  call toro_irq_msi_address
  mov rdi, key_irq_msi
  mov esi, eax
  mov edx, [gs:percpu.apic_id]
  shl edx, 12
  or edx, MSI_ADDRESS
  call st_abi_expect
  pop r15
  pop r14
  pop r12
  pop rbx
  ret

; st_abi_irq_self — sends device vector EBX to this CPU (a fixed IPI: what an MSI write would do).
st_abi_irq_self:
  mov edi, [gs:percpu.apic_id]
  mov esi, ebx
  or esi, APIC_ICR_FIXED
  jmp apic_send_ipi

; st_abi_stacks — toro_stack_map / toro_stack_unmap (stack_window.asm): a stack takes memory only for
; the pages touched, gives it all back, and many stacks at once cost their touched pages. Keys as in
; the header; updates R13D like st_abi_expect. Preserves RBX, R12.
st_abi_stacks:
  push rbx
  push r12
  push r14
  push r15
  mov edi, SW_STACK_MAX + 1
  call toro_stack_map
  mov rdi, key_stack_big
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov edi, 65536
  call toro_stack_map
  mov rbx, rax                          ; RBX: the stack
  mov rdi, key_stack_size
  mov rsi, rdx
  mov edx, SW_STACK_MAX
  call st_abi_expect
  test rbx, rbx
  jz .failed
  mov r8, [gs:percpu.mech]
  mov r12, [r8 + mech.free_bytes]       ; R12: free bytes with the stack mapped, untouched
  mov byte [rbx + SW_STACK_MAX - 1], 1  ; its top page and its bottom page
  mov byte [rbx], 2
  movzx esi, byte [rbx + SW_STACK_MAX - 1]
  movzx eax, byte [rbx]
  add esi, eax
  mov rdi, key_stack_touch
  mov edx, 3
  call st_abi_expect
  movzx esi, byte [rbx + 100]           ; a new page reads as zero
  mov rdi, key_stack_zero
  xor edx, edx
  call st_abi_expect
  mov r8, [gs:percpu.mech]
  mov rsi, r12
  sub rsi, [r8 + mech.free_bytes]
  shr rsi, PAGE_SHIFT
  mov rdi, key_stack_pages
  mov edx, 2
  call st_abi_expect
  mov rdi, rbx
  call toro_stack_unmap
  mov rdi, key_stack_unmap
  mov rsi, rax
  xor edx, edx
  call st_abi_expect
  mov r8, [gs:percpu.mech]
  mov rsi, r12
  sub rsi, [r8 + mech.free_bytes]
  mov rdi, key_stack_kept
  xor edx, edx
  call st_abi_expect
  mov rdi, rbx
  call toro_stack_unmap
  mov rdi, key_stack_unmap_twice
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  mov rdi, rsp                          ; not a stack of the window
  call toro_stack_unmap
  mov rdi, key_stack_unmap_bad
  mov rsi, rax
  mov rdx, -1
  call st_abi_expect
  ; Many at once, twice: the second round must end where the first did (the window's tables stay).
  mov edi, ST_STACKS * 8 / PAGE_SIZE + 1
  call toro_page_alloc
  mov r14, rax                          ; R14: the stacks' addresses
  test r14, r14
  jz .failed
  call .round
  mov r8, [gs:percpu.mech]
  mov r12, [r8 + mech.free_bytes]
  call .round
  mov rdi, key_stacks_many
  mov rsi, r15
  mov edx, ST_STACKS
  call st_abi_expect
  mov r8, [gs:percpu.mech]
  mov rsi, r12
  sub rsi, [r8 + mech.free_bytes]
  mov rdi, key_stacks_kept
  xor edx, edx
  call st_abi_expect
  mov rdi, r14
  mov esi, ST_STACKS * 8 / PAGE_SIZE + 1
  call toro_page_free
  jmp .out
.failed:
  mov r13d, ST_FAIL
.out:
  pop r15
  pop r14
  pop r12
  pop rbx
  ret
; ST_STACKS stacks mapped, each touched at its top, then all unmapped. R15 = how many were mapped.
.round:
  xor r15d, r15d
.map:
  mov edi, 65536
  call toro_stack_map
  test rax, rax
  jz .unmap
  mov byte [rax + SW_STACK_MAX - 8], 1
  mov [r14 + r15 * 8], rax
  inc r15d
  cmp r15d, ST_STACKS
  jb .map
.unmap:
  xor ebx, ebx
.next:
  cmp ebx, r15d
  jae .done
  mov rdi, [r14 + rbx * 8]
  call toro_stack_unmap
  inc ebx
  jmp .next
.done:
  ret

; st_abi_exhaust — takes every free block of order 1 and up of this CPU (page_alloc_order: its own
; memory, never borrowed). RAX = a block listing them: [0] how many, then from [16] (address, order)
; pairs; 0 when there was no block for the list. Clobbers what page_alloc_order does, and RDX.
ST_EXHAUST_ORDER equ 4                  ; the list: 64 KiB (the stacks' tables above cut memory into many blocks)
ST_EXHAUST_MAX equ ((PAGE_SIZE << ST_EXHAUST_ORDER) / 16) - 1
st_abi_exhaust:
  push rbx
  push r12
  push r13
  mov edi, ST_EXHAUST_ORDER
  call page_alloc_order
  mov rbx, rax                          ; RBX: the list
  test rbx, rbx
  jz .out
  mov qword [rbx], 0
  mov r12d, PAGE_MAX_ORDER              ; R12: the order taken
.take:
  cmp qword [rbx], ST_EXHAUST_MAX
  jae .out
  mov edi, r12d
  call page_alloc_order
  test rax, rax
  jz .lower
  mov r13, [rbx]
  shl r13, 4
  mov [rbx + r13 + 16], rax
  mov [rbx + r13 + 24], r12
  inc qword [rbx]
  jmp .take
.lower:
  dec r12d
  jnz .take
.out:
  mov rax, rbx
  pop r13
  pop r12
  pop rbx
  ret

; st_abi_restore — RDI = a list from st_abi_exhaust (or 0): its blocks, and the list, go back.
st_abi_restore:
  push rbx
  push r12
  mov rbx, rdi
  test rbx, rbx
  jz .out
.give:
  mov r12, [rbx]
  test r12, r12
  jz .list
  dec r12
  mov [rbx], r12
  shl r12, 4
  mov rdi, [rbx + r12 + 16]
  mov rsi, [rbx + r12 + 24]
  call page_free_order
  jmp .give
.list:
  mov rdi, rbx
  mov esi, ST_EXHAUST_ORDER
  call page_free_order
.out:
  pop r12
  pop rbx
  ret

st_abi_plus_one:
  lea rax, [rdi + 1]
  ret

st_panic:
  mov rdi, abi_panic_text
  call toro_panic

; st_overflow — self-test "overflow": a thread on the last CPU prints
;   toro: result overflow cpu=<i> thread=<hex> stack=<hex>
; then recurses until it runs into its stack's guard page. The fault report (fault.asm) must name it:
; kind stack-overflow, `thread` = that thread, CR2 inside the guard page [stack, stack + 4 KiB); exit 70.
st_overflow:
  mov edi, [ncpus]
  dec edi
  mov rsi, st_overflow_thread
  xor edx, edx
  call thread_create_on
  mov edi, 1
  call st_wait                          ; never satisfied: the fault report powers off
  mov eax, ST_FAIL
  ret

st_overflow_thread:
  mov edi, [gs:percpu.cpu_id]
  call st_result_cpu
  call thread_self
  push rax
  mov rdi, key_thread
  mov rsi, rax
  call st_kv_hex
  pop rax
  mov rdi, key_stack
  mov rsi, [rax + thread.stack]
  call st_kv_hex
  call print_newline
st_overflow_recurse:
  push rbp
  mov rbp, rsp
  sub rsp, 256
  mov qword [rsp], 0                    ; touch each frame, so the guard page is hit, not skipped
  call st_overflow_recurse
  leave
  ret

section .rodata
abi_hello:      db "toro: abi hello", 13, 10
abi_hello_len   equ $ - abi_hello
abi_panic_text: db 'deliberate "test"', 0
key_write:                db " write=", 0
key_write_bad:            db " write_bad=", 0
key_page_free_misaligned: db " page_free_misaligned=", 0
key_page_free:            db " page_free=", 0
key_page_zero:            db " page_zero=", 0
key_page_huge:            db " page_huge=", 0
key_free_misaligned:      db " free_misaligned=", 0
key_free_stack:           db " free_stack=", 0
key_alloc_free:           db " alloc_free=", 0
key_alloc_zero:           db " alloc_zero=", 0
key_alloc_big:            db " alloc_big=", 0
key_create_null:          db " create_null=", 0
key_create_on_bad:        db " create_on_bad=", 0
key_send_bad:             db " send_bad=", 0
key_loop_src:             db " loop_src=", 0
key_loop_a:               db " loop_a=", 0
key_recv_bad:             db " recv_bad=", 0
key_clock_monotonic:      db " clock_monotonic=", 0
key_abi_cpus:                 db " cpus=", 0
key_abi_nodes:                db " nodes=", 0
key_cpu_node:             db " cpu_node=", 0
key_cpu_node_bad:         db " cpu_node_bad=", 0
key_stats:                db " stats=", 0
key_stats_bad:            db " stats_bad=", 0
key_node_free_ok:         db " node_free_ok=", 0
key_node_bad:             db " node_bad=", 0
key_stack_big:            db " stack_big=", 0
key_stack_size:           db " stack_size=", 0
key_stack_touch:          db " stack_touch=", 0
key_stack_zero:           db " stack_zero=", 0
key_stack_pages:          db " stack_pages=", 0
key_stack_unmap:          db " stack_unmap=", 0
key_stack_kept:           db " stack_kept=", 0
key_stack_unmap_twice:    db " stack_unmap_twice=", 0
key_stack_unmap_bad:      db " stack_unmap_bad=", 0
key_stacks_many:          db " stacks_many=", 0
key_stacks_kept:          db " stacks_kept=", 0
key_space_zero:           db " space_zero=", 0
key_space_huge:           db " space_huge=", 0
key_space_size:           db " space_size=", 0
key_space_aligned:        db " space_aligned=", 0
key_space_pages:          db " space_pages=", 0
key_space_touch:          db " space_touch=", 0
key_space_unmap:          db " space_unmap=", 0
key_space_kept:           db " space_kept=", 0
key_space_unmap_twice:    db " space_unmap_twice=", 0
key_space_unmap_bad:      db " space_unmap_bad=", 0
key_space_scattered_ok:   db " space_scattered_ok=", 0
key_space_scattered_rw:   db " space_scattered_rw=", 0
key_irq_vector:           db " irq_vector=", 0
key_irq_none:             db " irq_none=", 0
key_irq_bad:              db " irq_bad=", 0
key_irq_enable:           db " irq_enable=", 0
key_irq_enable_bad:       db " irq_enable_bad=", 0
key_irq_wait_vector:      db " irq_wait_vector=", 0
key_irq_wait_early:       db " irq_wait_early=", 0
key_irq_took:             db " irq_took=", 0
key_irq_took_again:       db " irq_took_again=", 0
key_irq_wait_timeout:     db " irq_wait_timeout=", 0
key_irq_disabled_wait:    db " irq_disabled_wait=", 0
key_irq_disabled_took:    db " irq_disabled_took=", 0
key_irq_kick:             db " irq_kick=", 0
key_irq_route_bad:        db " irq_route_bad=", 0
key_irq_msi:              db " irq_msi=", 0
key_thread:               db " thread=", 0
key_stack:                db " stack=", 0
