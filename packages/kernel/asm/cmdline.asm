; cmdline.asm — looking up `key=value` words on the PVH command line.
;
; Routines: System V convention (kernel.asm). They read the command line in place, through
; [start_info_paddr] (whose magic kmain has checked); words are separated by spaces.

section .text
bits 64

; cmdline_value — RAX = address of the value of the last word `<key>=<value>` whose key is the
; NUL-terminated string at RDI, or 0 when there is none. The value ends at a space or NUL.
cmdline_value:
  xor eax, eax
  mov rsi, [start_info_paddr]
  mov rsi, [rsi + hvm_start_info.cmdline_paddr]
  test rsi, rsi
  jz .done
.word:                                  ; RSI: between words
  cmp byte [rsi], 0
  je .done
  cmp byte [rsi], ' '
  jne .compare
  inc rsi
  jmp .word
.compare:                               ; RSI: start of a word; compare it with the key
  xor ecx, ecx
.key:
  movzx edx, byte [rdi + rcx]
  test edx, edx
  jz .key_end
  cmp dl, [rsi + rcx]
  jne .skip
  inc rcx
  jmp .key
.key_end:
  cmp byte [rsi + rcx], '='
  jne .skip
  lea rax, [rsi + rcx + 1]
.skip:                                  ; to the end of this word
  cmp byte [rsi], 0
  je .done
  cmp byte [rsi], ' '
  je .word
  inc rsi
  jmp .skip
.done:
  ret

; cmdline_number — RAX = decimal value of `<key>=<n>` (key at RDI), EDX = 1; or RAX = 0, EDX = 0 when
; the word is absent or its value is not a decimal number.
cmdline_number:
  call cmdline_value
  test rax, rax
  jz .none
  mov rsi, rax
  xor eax, eax
  xor r8d, r8d                          ; digits seen
.digit:
  movzx ecx, byte [rsi]
  test ecx, ecx
  jz .end
  cmp ecx, ' '
  je .end
  sub ecx, '0'
  cmp ecx, 9
  ja .none
  imul rax, rax, 10
  add rax, rcx
  inc r8d
  inc rsi
  jmp .digit
.end:
  test r8d, r8d
  jz .none
  mov edx, 1
  ret
.none:
  xor eax, eax
  xor edx, edx
  ret

; cmdline_is — EAX = 1 when the value of key RDI is exactly the NUL-terminated string RSI.
cmdline_is:
  push rsi
  call cmdline_value
  pop rsi
  test rax, rax
  jz .no
.next:
  movzx ecx, byte [rsi]
  movzx edx, byte [rax]
  test ecx, ecx
  jz .end
  cmp ecx, edx
  jne .no
  inc rsi
  inc rax
  jmp .next
.end:
  test edx, edx
  jz .yes
  cmp edx, ' '
  je .yes
.no:
  xor eax, eax
  ret
.yes:
  mov eax, 1
  ret
