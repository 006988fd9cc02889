; abi.asm — the kernel ABI: the entry points compiled services call (documented in docs/kernel-abi.md).
; Each one checks its arguments, then delegates to the mechanism that does the work; a bad argument gets
; an error result (0 or -1, as documented per call), never a fault inside the kernel.
;
; Calling convention: System V AMD64, as everywhere in the kernel (kernel.asm): arguments in RDI, RSI,
; RDX, RCX, R8; result in RAX (and RDX where stated); RBX, RBP, R12-R15 and RSP preserved; RAX, RCX, RDX,
; RSI, RDI, R8-R11 clobbered; the direction flag clear on entry and on return. Entry points that can
; switch threads (yield, sleep, block, join, msg_recv, msg_send when the ring is full, irq_wait, thread_exit) let
; other threads run, which may change XMM/YMM registers: treat them as clobbered across those calls, as
; System V does anyway. The others never touch XMM, x87 or MXCSR state. Threads run with interrupts off;
; entry points must be called from a thread (not from an interrupt handler).

EXIT_PANIC equ 72                       ; toro_panic's exit code

section .text
bits 64

; toro_console_write — writes RSI bytes from RDI to the serial console. RAX = RSI, or -1 when the buffer
; is not mapped memory (nothing is written). Bytes of concurrent writers on other CPUs may interleave.
toro_console_write:
  push rbx
  push r12
  push r13
  mov rbx, rdi
  mov r12, rsi
  mov r13, rsi
  call abi_check_range
  test eax, eax
  jnz .bad
.byte:
  test r12, r12
  jz .done
  movzx edi, byte [rbx]
  call serial_putc
  inc rbx
  dec r12
  jmp .byte
.done:
  mov rax, r13
  jmp .out
.bad:
  mov rax, -1
.out:
  pop r13
  pop r12
  pop rbx
  ret

; toro_page_alloc — RDI = pages (1 .. 2^PAGE_MAX_ORDER). RAX = a block of RDI pages rounded up to a power
; of two, aligned to that size, from this CPU's memory or, when that is used up, from another CPU of its
; NUMA node; 0 when the node has none.
toro_page_alloc:
  call abi_pages_order
  test eax, eax
  js .bad
  mov edi, eax
  jmp page_alloc_node
.bad:
  xor eax, eax
  ret

; toro_page_free — RDI = block from toro_page_alloc (any CPU's), RSI = the page count it was asked for.
; RAX = 0, or -1 (count out of range, address not aligned to the block, or memory no CPU owns).
toro_page_free:
  push rdi
  mov rdi, rsi
  call abi_pages_order
  pop rdi
  test eax, eax
  js .bad
  mov ecx, eax
  mov edx, PAGE_SIZE
  shl rdx, cl
  dec rdx
  test rdi, rdx
  jnz .bad
  mov esi, eax
  jmp page_free_order
.bad:
  mov rax, -1
  ret

; toro_stack_map — RDI = bytes (1 .. SW_STACK_MAX, 1 MiB - 4 KiB). RAX = the lowest address of a stack
; of SW_STACK_MAX bytes in this CPU's stack window (stack_window.asm), RDX = SW_STACK_MAX; RAX = 0 when
; the window is full or out of range. Its pages take memory only once touched; the page below it is a
; guard. Use it on this CPU only.
toro_stack_map:
  jmp stack_map

; toro_stack_unmap — RDI = a stack from toro_stack_map, on the CPU that made it. RAX = 0, or -1 when RDI
; is not one (nothing is done). The pages it touched go back to the allocator.
toro_stack_unmap:
  jmp stack_unmap

; toro_space_map — RDI = bytes (1 .. 4 GiB). RAX = the start of a space of RDX = RDI rounded up to whole
; pages in this CPU's window (stack_window.asm), contiguous in addresses and every page mapped now from
; this CPU's own free pages, wherever they lie; RAX = RDX = 0 when it has not that many pages or the
; window has no room. For the collector's semispaces. Use it on this CPU only.
toro_space_map:
  jmp space_map

; toro_space_unmap — RDI = a space from toro_space_map, RSI = its bytes, on the CPU that made it. RAX = 0,
; and its pages are free again; −1 when RDI is not one (nothing is done).
toro_space_unmap:
  jmp space_unmap

; toro_alloc — RDI = size in bytes (1 .. OBJ_MAX_SIZE). RAX = a 16-byte-aligned object from this CPU's
; allocator, or 0. Larger blocks come from toro_page_alloc.
toro_alloc:
  jmp obj_alloc

; toro_free — RDI = object from toro_alloc (any CPU's; 0 is ignored). RAX = 0, or -1 when RDI is not
; an object of a slab (nothing is freed). It goes back to its owner CPU, through the matrix if need be.
toro_free:
  xor eax, eax
  test rdi, rdi
  jz .done
  test edi, 15
  jnz .bad
  push rdi
  and rdi, -SLAB_SIZE
  call page_present
  pop rdi
  test eax, eax
  jz .bad
  mov rdx, rdi
  and rdx, -SLAB_SIZE
  cmp dword [rdx + slab.magic], SLAB_MAGIC
  jne .bad
  mov rax, rdi
  sub rax, rdx
  cmp rax, SLAB_HEADER
  jb .bad
  call obj_free
  xor eax, eax
.done:
  ret
.bad:
  mov rax, -1
  ret

; toro_thread_create — a thread on this CPU running RDI(RSI); EDX = 0 (joinable: toro_thread_join must
; collect it) or 1 (detached). RAX = its handle, or 0 (no entry point, unknown flags, or no memory).
toro_thread_create:
  test rdi, rdi
  jz .bad
  test edx, ~THREAD_DETACHED
  jnz .bad
  jmp thread_create
.bad:
  xor eax, eax
  ret

; toro_thread_create_on — a detached thread running RSI(RDX) on CPU EDI, created by that CPU (the request
; goes through the matrix). EAX = 0, or -1 (no such CPU, no entry point, or no memory on this CPU).
toro_thread_create_on:
  test rsi, rsi
  jz .bad
  jmp thread_create_on
.bad:
  mov eax, -1
  ret

; toro_thread_yield, toro_thread_sleep (RDI = ns), toro_thread_exit (RDI = value; never returns),
; toro_thread_self (RAX = handle), toro_thread_block — as thread_yield ... in sched.asm.
toro_thread_yield:
  jmp thread_yield
toro_thread_sleep:
  jmp thread_sleep
toro_thread_exit:
  jmp thread_exit
toro_thread_self:
  jmp thread_self
toro_thread_block:
  jmp thread_block

; toro_thread_join — RDI = joinable thread of this CPU. RAX = its exit value once it has exited (its
; handle is then invalid), or -1 at once for 0, a detached thread or another CPU's thread.
toro_thread_join:
  test rdi, rdi
  jz .bad
  jmp thread_join
.bad:
  mov rax, -1
  ret

; toro_thread_wake — RDI = thread handle (any CPU's; it must not have exited). RAX = 0, or -1 for 0.
toro_thread_wake:
  test rdi, rdi
  jz .bad
  call thread_wake
  xor eax, eax
  ret
.bad:
  mov rax, -1
  ret

; toro_msg_send — user message (type RSI, words RDX, RCX, R8) to CPU EDI; waits (yields) while that ring
; is full. EAX = 0, or -1 for no such CPU.
toro_msg_send:
  jmp msg_send

; toro_msg_recv / toro_msg_try_recv — RDI = 32-byte buffer (type, a, b, c). RAX = the source CPU;
; try_recv returns -1 at once when nothing is waiting; both return -2 for a buffer that is not mapped.
toro_msg_recv:
  mov rax, msg_recv
  jmp abi_recv
toro_msg_try_recv:
  mov rax, msg_try_recv
abi_recv:
  push rbx
  push r12
  mov rbx, rdi
  mov r12, rax
  mov esi, message_size
  call abi_check_range
  test eax, eax
  jnz .bad
  mov rdi, rbx
  call r12
  jmp .out
.bad:
  mov rax, -2
.out:
  pop r12
  pop rbx
  ret

; toro_msg_flush — wakes the idle CPUs this one has sent to (msg_send batches wake-ups until the thread
; yields, blocks, sleeps or exits).
toro_msg_flush:
  jmp msg_flush

; toro_clock_ns — RAX = monotonic nanoseconds since boot. toro_wall_clock_ns — RAX = ns since the Unix
; epoch (UTC), 0 when the machine has no RTC.
toro_clock_ns:
  jmp clock_ns
toro_wall_clock_ns:
  jmp wall_clock_ns

; toro_cmdline — RAX = address of the kernel command line (NUL-terminated, identity mapped), 0 if none.
toro_cmdline:
  mov rax, [start_info_paddr]
  mov rax, [rax + hvm_start_info.cmdline_paddr]
  ret

; toro_cpu_id, toro_cpu_count, toro_node_id (this CPU's node), toro_node_count — EAX = the value.
toro_cpu_id:
  mov eax, [gs:percpu.cpu_id]
  ret
toro_cpu_count:
  mov eax, [ncpus]
  ret
toro_node_id:
  mov eax, [gs:percpu.node]
  ret
toro_node_count:
  mov eax, [nnodes]
  ret

; toro_cpu_node — EDI = CPU. EAX = its NUMA node, or -1 for no such CPU.
toro_cpu_node:
  cmp edi, [ncpus]
  jae .bad
  mov eax, edi
  movzx eax, byte [cpu_node + rax]
  ret
.bad:
  mov eax, -1
  ret

; toro_mem_stats — copies CPU EDI's counters (docs/kernel-abi.md lists them) to RSI, MECH_NSTATS
; qwords. RAX = how many, or 0 for no such CPU or an unmapped buffer.
toro_mem_stats:
  push rbx
  push r12
  mov ebx, edi
  mov r12, rsi
  mov rdi, rsi
  mov esi, MECH_NSTATS * 8
  call abi_check_range
  test eax, eax
  jnz .bad
  mov edi, ebx
  mov rsi, r12
  call mem_stats
  jmp .out
.bad:
  xor eax, eax
.out:
  pop r12
  pop rbx
  ret

; toro_node_mem — EDI = node. RAX = its free bytes, RDX = its total bytes (all its CPUs); RAX = RDX = -1
; for no such node.
toro_node_mem:
  cmp edi, [nnodes]
  jb node_free_bytes
  mov rax, -1
  mov rdx, rax
  ret

; Device interrupts (irq.asm), for drivers: every call acts on the calling CPU's own vectors.
; toro_irq_alloc — EAX = a free device vector of this CPU (for an MSI / MSI-X message), -1 if none.
; toro_irq_route — EDI = a global system interrupt: routes that I/O APIC pin to a new vector of this CPU
;   (edge, active high). EAX = the vector; -1 when no I/O APIC has the pin or no vector is left.
; toro_irq_msi_address — EAX = the MSI address that targets this CPU (the data is the vector).
; toro_irq_enable / toro_irq_disable — EDI = vector: whether its arrival ends toro_irq_wait. EAX = 0,
;   -1 when EDI is not a vector this CPU handed out.
; toro_irq_take — EDI = vector: EAX = 1 if it arrived since the last take (and clears that), 0 if not,
;   -1 when EDI is not a vector this CPU handed out.
; toro_irq_wait — RDI = nanoseconds: sleeps until an enabled vector is pending, toro_irq_kick, or the
;   time is up. EAX = 1, 1, 0; -1 when another thread of this CPU already waits.
; toro_irq_kick — ends this CPU's toro_irq_wait early (or makes the next one return at once). EAX = 0.
toro_irq_alloc:
  jmp irq_alloc
toro_irq_route:
  jmp irq_route
toro_irq_msi_address:
  jmp irq_msi_address
toro_irq_enable:
  jmp irq_enable
toro_irq_disable:
  jmp irq_disable
toro_irq_take:
  jmp irq_take
toro_irq_wait:
  jmp irq_wait
toro_irq_kick:
  call irq_kick
  xor eax, eax
  ret

; toro_exit — powers off with exit code EDI (prints "toro: exit <code>"). Never returns.
toro_exit:
  jmp power_off

; toro_panic — prints "toro: panic <message>" (RDI = NUL-terminated, at most ABI_PANIC_MAX bytes
; shown) and powers off with EXIT_PANIC. Never returns.
toro_panic:
  push rdi
  mov rdi, msg_panic
  call print_str
  pop rdi
  mov esi, ABI_PANIC_MAX
  call abi_print_checked
  call print_newline
  mov edi, EXIT_PANIC
  jmp power_off

; ---- argument checks ----------------------------------------------------------------------------------

ABI_PANIC_MAX equ 200

; abi_check_range — EAX = 0 when every byte of [RDI, RDI + RSI) can be read without a fault, else -1.
; Clobbers the caller-saved registers.
abi_check_range:
  test rsi, rsi
  jz .ok
  lea rcx, [rdi + rsi - 1]
  cmp rcx, rdi
  jb .bad                               ; wraps round the address space
  push rbx
  push r12
  mov rbx, rdi
  and rbx, -PAGE_SIZE
  mov r12, rcx
.page:
  mov rdi, rbx
  call page_present
  test eax, eax
  jz .bad_pop
  add rbx, PAGE_SIZE
  jc .done                              ; the last page of the address space
  cmp rbx, r12
  jbe .page
.done:
  pop r12
  pop rbx
.ok:
  xor eax, eax
  ret
.bad_pop:
  pop r12
  pop rbx
.bad:
  mov eax, -1
  ret

; abi_pages_order — EAX = the smallest order with 2^order >= RDI pages, or -1 for 0 or more than
; 2^PAGE_MAX_ORDER pages.
abi_pages_order:
  lea rax, [rdi - 1]
  cmp rax, (1 << PAGE_MAX_ORDER) - 1
  ja .bad
  xor eax, eax
  cmp rdi, 1
  je .done
  lea rcx, [rdi - 1]
  bsr rax, rcx
  inc eax
.done:
  ret
.bad:
  mov eax, -1
  ret

; abi_print_checked — prints the NUL-terminated string at RDI, at most ESI bytes, stopping early at a
; byte that is not mapped (prints "?" then). Clobbers the caller-saved registers.
abi_print_checked:
  push rbx
  push r12
  mov rbx, rdi
  mov r12d, esi
.byte:
  test r12d, r12d
  jz .done
  mov rdi, rbx
  call page_present
  test eax, eax
  jz .unmapped
  movzx edi, byte [rbx]
  test edi, edi
  jz .done
  call print_quoted_char
  inc rbx
  dec r12d
  jmp .byte
.unmapped:
  mov edi, '?'
  call serial_putc
.done:
  pop r12
  pop rbx
  ret

section .rodata
msg_panic: db "toro: panic ", 0
