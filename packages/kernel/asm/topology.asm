; topology.asm — which CPUs and how much memory each NUMA node has: MADT, SRAT, the PVH memory map.
;
; topology_init (BSP, once, after acpi_init and apic_init) fills:
;   topo_apic_ids[0..topo_cpu_count)  APIC ids of the CPUs to run, the BSP's first
;   topo_apic_nodes[...]              their nodes
;   node_ranges / node_range_count    usable RAM from the kernel's end up to 4 GiB, cut along the SRAT's
;                                     memory ranges, each piece tagged with its node (node 0 without SRAT)
;   nnodes                            1 + the highest node any CPU or range is in
;   ioapics / ioapic_count            the MADT's I/O APICs (pins stay masked until irq_route, irq.asm)
; CPU sources, in order: the MADT's enabled Local APIC and Local x2APIC entries; QEMU's fw_cfg CPU count
; (microvm with acpi=off: APIC ids are then assumed to be 0..N-1, QEMU's numbering); `cpus=<n>` on the
; command line (same assumption); else the BSP alone. SRAT proximity domains are renumbered 0, 1, ... in
; the order they first appear.
; bootmem_alloc carves memory off the front of node_ranges for what must exist before the allocators do
; (page tables, CPU areas); whatever is left in node_ranges afterwards belongs to the allocators.
; Routines: System V convention (kernel.asm).

MADT_IO_APIC        equ 1                   ; type, len, id, reserved, address (dd), GSI base (dd)
MAX_IOAPICS         equ 8
SRAT_ENTRIES        equ acpi_sdt_size + 12  ; header, reserved dword, reserved qword
SRAT_CPU_APIC       equ 0                   ; type, len, domain 7:0, apic id, flags (dd), sapic eid, domain 31:8 (3 bytes)
SRAT_MEMORY         equ 1                   ; type, len, domain (dd), rsvd (dw), base (dq), length (dq), rsvd (dd), flags (dd)
SRAT_CPU_X2APIC     equ 2                   ; type, len, rsvd (dw), domain (dd), x2apic id (dd), flags (dd)
SRAT_ENABLED        equ 1 << 0
MAX_SRAT_MEMORY     equ 32
MAPPED_LIMIT        equ 0x100000000         ; identity map: RAM above 4 GiB is not used yet

struc ioapic                            ; an I/O APIC from the MADT
  .address:  resq 1                     ; its register window (physical = virtual)
  .id:       resd 1
  .gsi_base: resd 1                     ; first global system interrupt it serves
endstruc

section .text
bits 64

; topology_init — see the file header.
topology_init:
  push rbx
  push r12
  push r13
  call apic_id
  mov [topo_apic_ids], eax
  mov dword [topo_cpu_count], 1
  call topology_madt
  test eax, eax
  jnz .srat
  call fwcfg_count_cpus
  mov rbx, str_topo_fwcfg
  test eax, eax
  jnz .assumed
  mov rdi, key_cpus
  call cmdline_number
  mov rbx, str_topo_cmdline
  test rax, rax
  jnz .assumed
  mov qword [topo_cpu_source], str_topo_cpuid
  jmp .srat
.assumed:
  ; No MADT: QEMU numbers APIC ids 0..N-1; list them all but the BSP's.
  mov [topo_cpu_source], rbx
  mov r12d, eax
  cmp r12d, MAX_CPUS
  jbe .count_ok
  mov r12d, MAX_CPUS
.count_ok:
  xor r13d, r13d
.assume:
  cmp r13d, r12d
  jae .srat
  cmp r13d, [topo_apic_ids]
  je .assume_next
  mov edi, r13d
  call topo_add_cpu
.assume_next:
  inc r13d
  jmp .assume
.srat:
  call topology_srat
  call topology_ranges
  pop r13
  pop r12
  pop rbx
  ret

; topo_add_cpu — appends APIC id EDI to topo_apic_ids unless the list is full or has it already.
topo_add_cpu:
  mov ecx, [topo_cpu_count]
  xor eax, eax
.dup:
  cmp eax, ecx
  jae .add
  cmp [topo_apic_ids + rax * 4], edi
  je .done
  inc eax
  jmp .dup
.add:
  cmp ecx, MAX_CPUS
  jae .done
  mov [topo_apic_ids + rcx * 4], edi
  inc dword [topo_cpu_count]
.done:
  ret

; topology_madt — adds every enabled MADT processor to the list; EAX = 1 if there is a MADT.
topology_madt:
  push rbx
  push r12
  mov edi, 'APIC'
  call acpi_find_table
  test rax, rax
  jz .done
  mov qword [topo_cpu_source], str_topo_madt
  mov ecx, [rax + acpi_sdt.length]
  lea r12, [rax + rcx]                  ; R12: end of the table
  lea rbx, [rax + MADT_ENTRIES]         ; RBX: entry
.entry:
  lea rcx, [rbx + 2]
  cmp rcx, r12
  ja .end
  movzx ecx, byte [rbx + 1]
  cmp ecx, 2
  jb .end
  cmp byte [rbx], MADT_LOCAL_APIC
  jne .not_lapic
  test byte [rbx + MADT_LOCAL_APIC_FLAGS], MADT_CPU_ENABLED
  jz .next
  movzx edi, byte [rbx + 3]
  call topo_add_cpu
  jmp .next
.not_lapic:
  cmp byte [rbx], MADT_IO_APIC
  jne .not_ioapic
  mov eax, [ioapic_count]
  cmp eax, MAX_IOAPICS
  jae .next
  imul eax, eax, ioapic_size
  movzx ecx, byte [rbx + 2]
  mov [ioapics + rax + ioapic.id], ecx
  mov ecx, [rbx + 8]
  mov [ioapics + rax + ioapic.gsi_base], ecx
  mov ecx, [rbx + 4]
  mov [ioapics + rax + ioapic.address], rcx
  inc dword [ioapic_count]
  jmp .next
.not_ioapic:
  cmp byte [rbx], MADT_LOCAL_X2APIC
  jne .next
  test byte [rbx + MADT_LOCAL_X2APIC_FLAGS], MADT_CPU_ENABLED
  jz .next
  mov edi, [rbx + 4]
  call topo_add_cpu
.next:
  movzx ecx, byte [rbx + 1]
  add rbx, rcx
  jmp .entry
.end:
  mov eax, 1
.done:
  pop r12
  pop rbx
  ret

; topo_node_of_domain — EAX = the dense node number of SRAT proximity domain EDI (a new one is added).
topo_node_of_domain:
  mov ecx, [topo_domain_count]
  xor eax, eax
.find:
  cmp eax, ecx
  jae .new
  cmp [topo_domains + rax * 4], edi
  je .done
  inc eax
  jmp .find
.new:
  cmp ecx, MAX_NODES
  jae .full
  mov [topo_domains + rcx * 4], edi
  inc dword [topo_domain_count]
  mov eax, ecx
.done:
  ret
.full:
  xor eax, eax                          ; more domains than nodes: fold the rest into node 0
  ret

; topo_set_cpu_node — the CPU with APIC id EDI (if listed) is in node ESI.
topo_set_cpu_node:
  mov ecx, [topo_cpu_count]
  xor eax, eax
.find:
  cmp eax, ecx
  jae .done
  cmp [topo_apic_ids + rax * 4], edi
  je .set
  inc eax
  jmp .find
.set:
  mov [topo_apic_nodes + rax * 4], esi
.done:
  ret

; topology_srat — reads the SRAT's CPU and memory affinities (nothing happens without one).
topology_srat:
  push rbx
  push r12
  push r13
  mov edi, 'SRAT'
  call acpi_find_table
  test rax, rax
  jz .done
  mov byte [topo_have_srat], 1
  mov ecx, [rax + acpi_sdt.length]
  lea r12, [rax + rcx]
  lea rbx, [rax + SRAT_ENTRIES]
.entry:
  lea rcx, [rbx + 2]
  cmp rcx, r12
  ja .done
  movzx ecx, byte [rbx + 1]
  cmp ecx, 2
  jb .done
  movzx eax, byte [rbx]
  cmp eax, SRAT_CPU_APIC
  je .cpu_apic
  cmp eax, SRAT_CPU_X2APIC
  je .cpu_x2apic
  cmp eax, SRAT_MEMORY
  je .memory
  jmp .next
.cpu_apic:
  test dword [rbx + 4], SRAT_ENABLED
  jz .next
  mov edi, [rbx + 8]                    ; domain bits 31:8 sit in bytes 9-11, bits 7:0 in byte 2
  and edi, 0xFFFFFF00
  movzx edx, byte [rbx + 2]
  or edi, edx
  call topo_node_of_domain
  movzx edi, byte [rbx + 3]
  mov esi, eax
  call topo_set_cpu_node
  jmp .next
.cpu_x2apic:
  test dword [rbx + 12], SRAT_ENABLED
  jz .next
  mov edi, [rbx + 4]
  call topo_node_of_domain
  mov edi, [rbx + 8]
  mov esi, eax
  call topo_set_cpu_node
  jmp .next
.memory:
  test dword [rbx + 28], SRAT_ENABLED
  jz .next
  mov r13d, [topo_memory_count]
  cmp r13d, MAX_SRAT_MEMORY
  jae .next
  mov edi, [rbx + 2]
  call topo_node_of_domain
  imul r13d, r13d, mem_range_size
  mov rcx, [rbx + 8]
  mov [topo_memory + r13 + mem_range.start], rcx
  add rcx, [rbx + 16]
  mov [topo_memory + r13 + mem_range.end], rcx
  mov [topo_memory + r13 + mem_range.node], rax
  inc dword [topo_memory_count]
.next:
  movzx ecx, byte [rbx + 1]
  add rbx, rcx
  jmp .entry
.done:
  pop r13
  pop r12
  pop rbx
  ret

; topology_ranges — node_ranges := usable RAM in [end of the kernel, 4 GiB), cut along the SRAT memory
; ranges (when there are any), then nnodes := 1 + the highest node of any CPU or range.
topology_ranges:
  push rbx
  push r12
  push r13
  push r14
  push r15
  mov rbx, [start_info_paddr]
  cmp dword [rbx + hvm_start_info.version], 1
  jb .count_nodes
  mov r12d, [rbx + hvm_start_info.memmap_entries]
  mov rbx, [rbx + hvm_start_info.memmap_paddr]
.entry:
  test r12d, r12d
  jz .count_nodes
  cmp dword [rbx + hvm_memmap_entry.type], HVM_MEMMAP_RAM
  jne .next
  mov r13, [rbx + hvm_memmap_entry.addr]
  mov r14, r13
  add r14, [rbx + hvm_memmap_entry.size]
  ; Clip to [kernel end, 4 GiB) and to whole pages.
  mov rax, kernel_end
  cmp r13, rax
  jae .start_ok
  mov r13, rax
.start_ok:
  add r13, SMALL_PAGE - 1
  and r13, -SMALL_PAGE
  mov rax, MAPPED_LIMIT
  cmp r14, rax
  jbe .end_ok
  mov r14, rax
.end_ok:
  and r14, -SMALL_PAGE
  cmp r13, r14
  jae .next
  cmp dword [topo_memory_count], 0
  jne .by_srat
  mov rdi, r13
  mov rsi, r14
  xor edx, edx
  call node_range_add
  jmp .next
.by_srat:                               ; one piece per overlapping SRAT memory range
  xor r15d, r15d
.srat_range:
  cmp r15d, [topo_memory_count]
  jae .next
  imul eax, r15d, mem_range_size
  mov rdi, [topo_memory + rax + mem_range.start]
  mov rsi, [topo_memory + rax + mem_range.end]
  mov rdx, [topo_memory + rax + mem_range.node]
  cmp rdi, r13
  jae .lo
  mov rdi, r13
.lo:
  cmp rsi, r14
  jbe .hi
  mov rsi, r14
.hi:
  cmp rdi, rsi
  jae .srat_next
  call node_range_add
.srat_next:
  inc r15d
  jmp .srat_range
.next:
  add rbx, hvm_memmap_entry_size
  dec r12d
  jmp .entry
.count_nodes:
  xor eax, eax                          ; highest node seen
  xor ecx, ecx
.cpu_node:
  cmp ecx, [topo_cpu_count]
  jae .range_nodes
  cmp eax, [topo_apic_nodes + rcx * 4]
  jae .cpu_next
  mov eax, [topo_apic_nodes + rcx * 4]
.cpu_next:
  inc ecx
  jmp .cpu_node
.range_nodes:
  xor ecx, ecx
.range_node:
  cmp ecx, [node_range_count]
  jae .counted
  imul edx, ecx, mem_range_size
  cmp rax, [node_ranges + rdx + mem_range.node]
  jae .range_next
  mov rax, [node_ranges + rdx + mem_range.node]
.range_next:
  inc ecx
  jmp .range_node
.counted:
  inc eax
  mov [nnodes], eax
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; node_range_add — appends {RDI, RSI, node RDX} to node_ranges (dropped when the table is full).
node_range_add:
  mov eax, [node_range_count]
  cmp eax, MAX_MEM_RANGES
  jae .full
  imul eax, eax, mem_range_size
  mov [node_ranges + rax + mem_range.start], rdi
  mov [node_ranges + rax + mem_range.end], rsi
  mov [node_ranges + rax + mem_range.node], rdx
  inc dword [node_range_count]
.full:
  ret

; node_of_address — EAX = the node of the node_ranges piece holding address RDI, 0 if none does.
node_of_address:
  xor ecx, ecx
.find:
  cmp ecx, [node_range_count]
  jae .none
  imul edx, ecx, mem_range_size
  cmp rdi, [node_ranges + rdx + mem_range.start]
  jb .next
  cmp rdi, [node_ranges + rdx + mem_range.end]
  jae .next
  mov eax, [node_ranges + rdx + mem_range.node]
  ret
.next:
  inc ecx
  jmp .find
.none:
  xor eax, eax
  ret

; bootmem_alloc — RAX = ESI bytes (rounded up to pages, page-aligned, zeroed) taken off the front of
; the first node_ranges piece of node EDI that is big enough, else of any node's; 0 when nothing fits.
bootmem_alloc:
  add rsi, SMALL_PAGE - 1
  and rsi, -SMALL_PAGE
  mov r8d, 2                            ; pass 1: node EDI only; pass 2: any node
.pass:
  xor ecx, ecx
.find:
  cmp ecx, [node_range_count]
  jae .next_pass
  imul edx, ecx, mem_range_size
  cmp r8d, 1
  je .any_node
  cmp [node_ranges + rdx + mem_range.node], rdi
  jne .skip
.any_node:
  mov rax, [node_ranges + rdx + mem_range.end]
  sub rax, [node_ranges + rdx + mem_range.start]
  cmp rax, rsi
  jb .skip
  mov rax, [node_ranges + rdx + mem_range.start]
  add [node_ranges + rdx + mem_range.start], rsi
  push rax
  mov rdi, rax
  mov rcx, rsi
  shr rcx, 3
  xor eax, eax
  rep stosq
  pop rax
  ret
.skip:
  inc ecx
  jmp .find
.next_pass:
  dec r8d
  jnz .pass
  xor eax, eax
  ret

; topology_report — prints one "toro: node <n> memory <start> <end>" line per node_ranges piece, one
; "toro: ioapic <id> <address> gsi <base>" per I/O APIC, then
; "toro: cpu <id> apic <apic id> node <n>" per CPU online and "toro: <N> CPUs online in <M> nodes (<srat|no srat>)".
topology_report:
  push rbx
  push r12
  xor ebx, ebx
.range:
  cmp ebx, [node_range_count]
  jae .cpus
  imul r12d, ebx, mem_range_size
  mov rdi, msg_topo_node
  call print_str
  mov rdi, [node_ranges + r12 + mem_range.node]
  call print_dec
  mov rdi, msg_topo_memory
  call print_str
  mov rdi, [node_ranges + r12 + mem_range.start]
  call print_hex64
  call print_space
  mov rdi, [node_ranges + r12 + mem_range.end]
  call print_hex64
  call print_newline
  inc ebx
  jmp .range
.cpus:
  xor ebx, ebx
.ioapic:
  cmp ebx, [ioapic_count]
  jae .cpu_list
  imul r12d, ebx, ioapic_size
  mov rdi, msg_topo_ioapic
  call print_str
  mov edi, [ioapics + r12 + ioapic.id]
  call print_dec
  call print_space
  mov rdi, [ioapics + r12 + ioapic.address]
  call print_hex64
  mov rdi, msg_topo_gsi
  call print_str
  mov edi, [ioapics + r12 + ioapic.gsi_base]
  call print_dec
  call print_newline
  inc ebx
  jmp .ioapic
.cpu_list:
  xor ebx, ebx
.cpu:
  cmp ebx, [ncpus]
  jae .summary
  mov r12, [percpu_blocks + rbx * 8]
  mov rdi, msg_topo_cpu
  call print_str
  mov edi, ebx
  call print_dec
  mov rdi, msg_topo_apic
  call print_str
  mov edi, [r12 + percpu.apic_id]
  call print_dec
  mov rdi, msg_topo_in_node
  call print_str
  mov edi, [r12 + percpu.node]
  call print_dec
  call print_newline
  inc ebx
  jmp .cpu
.summary:
  mov rdi, msg_topo_prefix
  call print_str
  mov edi, [ncpus]
  call print_dec
  mov rdi, msg_topo_online
  call print_str
  mov edi, [nnodes]
  call print_dec
  mov rdi, msg_topo_nodes_srat
  cmp byte [topo_have_srat], 0
  jne .print
  mov rdi, msg_topo_nodes_no_srat
.print:
  call print_str
  pop r12
  pop rbx
  ret

section .rodata
key_cpus:               db "cpus", 0
str_topo_madt:          db "madt", 0
str_topo_fwcfg:         db "fw_cfg", 0
str_topo_cmdline:       db "cmdline", 0
str_topo_cpuid:         db "cpuid", 0
msg_topo_node:          db "toro: node ", 0
msg_topo_memory:        db " memory ", 0
msg_topo_ioapic:        db "toro: ioapic ", 0
msg_topo_gsi:           db " gsi ", 0
msg_topo_cpu:           db "toro: cpu ", 0
msg_topo_apic:          db " apic ", 0
msg_topo_in_node:       db " node ", 0
msg_topo_prefix:        db "toro: ", 0
msg_topo_online:        db " CPUs online in ", 0
msg_topo_nodes_srat:    db " nodes (srat)", 13, 10, 0
msg_topo_nodes_no_srat: db " nodes (no srat)", 13, 10, 0

section .data
align 8
topo_cpu_source: dq str_topo_cpuid      ; where the CPU list came from (name)

section .bss
alignb 8
topo_apic_ids:     resd MAX_CPUS
topo_apic_nodes:   resd MAX_CPUS
topo_domains:      resd MAX_NODES       ; node n is SRAT proximity domain topo_domains[n]
topo_memory:       resb mem_range_size * MAX_SRAT_MEMORY
topo_cpu_count:    resd 1
topo_domain_count: resd 1
topo_memory_count: resd 1
topo_have_srat:    resd 1
ioapic_count:      resd 1
alignb 8
ioapics:           resb ioapic_size * MAX_IOAPICS
