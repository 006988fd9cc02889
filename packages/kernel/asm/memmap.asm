; memmap.asm — what the PVH loader tells us: the command line and the physical memory map.
;
; Routines follow the kernel's System V convention (kernel.asm). All of them read the hvm_start_info at
; [start_info_paddr], whose magic kmain has already checked; addresses in it are physical, which the
; identity map makes usable as they are (all are below 4 GiB with QEMU's loaders).

CMDLINE_MAX equ 4096                    ; bound on a command line that lacks its NUL

section .text
bits 64

; print_cmdline — prints `toro: cmdline "<text>"`, escaping as print_quoted_char does; empty text when
; the loader gave no command line.
print_cmdline:
  push rbx
  push r12
  mov rdi, msg_cmdline
  call print_str
  mov rbx, [start_info_paddr]
  mov rbx, [rbx + hvm_start_info.cmdline_paddr]
  test rbx, rbx
  jz .close
  mov r12d, CMDLINE_MAX
.next:
  movzx edi, byte [rbx]
  test edi, edi
  jz .close
  call print_quoted_char
  inc rbx
  dec r12d
  jnz .next
.close:
  mov rdi, msg_quote_newline
  call print_str
  pop r12
  pop rbx
  ret

; cmdline_exit_code — RAX = n from the last space-separated word `exit=<n>` (n decimal) on the command
; line, or 0 when there is none. Words like `exit=` or `exit=4x` are ignored.
cmdline_exit_code:
  xor eax, eax
  mov rsi, [start_info_paddr]
  mov rsi, [rsi + hvm_start_info.cmdline_paddr]
  test rsi, rsi
  jz .done
.word:                                  ; RSI: somewhere between words
  movzx ecx, byte [rsi]
  test ecx, ecx
  jz .done
  cmp ecx, ' '
  jne .word_start
  inc rsi
  jmp .word
.word_start:                            ; RSI: first byte of a word
  cmp dword [rsi], 'exit'
  jne .skip_word
  cmp byte [rsi + 4], '='
  jne .skip_word
  lea rdi, [rsi + 5]
  xor edx, edx                          ; value so far
  xor r8d, r8d                          ; digits so far
.digit:
  movzx ecx, byte [rdi]
  test ecx, ecx
  jz .number_end
  cmp ecx, ' '
  je .number_end
  sub ecx, '0'
  cmp ecx, 9
  ja .skip_word                         ; unsigned: also catches bytes below '0'
  imul rdx, rdx, 10
  add rdx, rcx
  inc r8d
  inc rdi
  jmp .digit
.number_end:
  test r8d, r8d
  jz .skip_word
  mov rax, rdx
.skip_word:                             ; RSI: inside a word; move to the space or NUL after it
  movzx ecx, byte [rsi]
  test ecx, ecx
  jz .done
  cmp ecx, ' '
  je .word
  inc rsi
  jmp .skip_word
.done:
  ret

; print_memmap — prints one `toro: memmap <start> <end> <type>` line per memory map entry (end
; exclusive), then `toro: memory <N> KiB usable` with N the sum of the RAM entries. Entries of size 0
; describe nothing and are skipped (qboot, microvm's firmware, appends one). A version 0 start info has
; no memory map: only the memory line is printed, with 0.
print_memmap:
  push rbx
  push r12
  push r13
  mov rbx, [start_info_paddr]
  xor r13d, r13d                        ; usable bytes
  cmp dword [rbx + hvm_start_info.version], 1
  jb .total
  mov r12d, [rbx + hvm_start_info.memmap_entries]
  mov rbx, [rbx + hvm_start_info.memmap_paddr]
.entry:                                 ; RBX: next entry, R12: entries left
  test r12d, r12d
  jz .total
  cmp qword [rbx + hvm_memmap_entry.size], 0
  je .next
  mov rdi, msg_memmap
  call print_str
  mov rdi, [rbx + hvm_memmap_entry.addr]
  call print_hex64
  call print_space
  mov rdi, [rbx + hvm_memmap_entry.addr]
  add rdi, [rbx + hvm_memmap_entry.size]
  call print_hex64
  call print_space
  mov edi, [rbx + hvm_memmap_entry.type]
  call print_memtype
  call print_newline
  cmp dword [rbx + hvm_memmap_entry.type], HVM_MEMMAP_RAM
  jne .next
  add r13, [rbx + hvm_memmap_entry.size]
.next:
  add rbx, hvm_memmap_entry_size
  dec r12d
  jmp .entry
.total:
  mov rdi, msg_memory
  call print_str
  mov rdi, r13
  shr rdi, 10
  call print_dec
  mov rdi, msg_kib_usable
  call print_str
  pop r13
  pop r12
  pop rbx
  ret

; print_memtype — writes the name of memory map type EDI, or its decimal number if it has no name.
print_memtype:
  mov eax, edi
  dec eax                               ; types are numbered from 1
  cmp eax, HVM_MEMMAP_LAST_NAMED - 1
  ja .number                            ; unsigned: type 0 wraps round and lands here too
  mov rdi, [memtype_names + rax * 8]
  jmp print_str
.number:
  jmp print_dec

section .rodata
msg_cmdline:       db 'toro: cmdline "', 0
msg_quote_newline: db '"', 13, 10, 0
msg_memmap:        db "toro: memmap ", 0
msg_memory:        db "toro: memory ", 0
msg_kib_usable:    db " KiB usable", 13, 10, 0
str_usable:        db "usable", 0
str_reserved:      db "reserved", 0
str_acpi:          db "acpi", 0
str_nvs:           db "nvs", 0
str_unusable:      db "unusable", 0
align 8
memtype_names:     dq str_usable, str_reserved, str_acpi, str_nvs, str_unusable
