; print.asm — text output to the serial console: strings, hexadecimal and decimal numbers.
;
; Routines follow the kernel's System V convention (kernel.asm): argument in RDI (or DIL), RAX, RCX,
; RDX, RSI, RDI, R8-R11 clobbered, RBX/RBP/R12-R15 preserved. Lines end in CR LF so a terminal shows
; them correctly; parsers should accept either LF or CR LF.

section .text
bits 64

; print_str — writes the NUL-terminated string at RDI.
print_str:
  push rbx
  mov rbx, rdi
.next:
  movzx edi, byte [rbx]
  test edi, edi
  jz .done
  call serial_putc
  inc rbx
  jmp .next
.done:
  pop rbx
  ret

; print_newline — writes CR LF.
print_newline:
  mov rdi, str_newline
  jmp print_str

; print_space — writes one space.
print_space:
  mov edi, ' '
  jmp serial_putc

; print_hex64 — writes RDI as "0x" and exactly 16 hexadecimal digits (fixed width keeps lines parseable).
print_hex64:
  push rbx
  push r12
  mov rbx, rdi
  mov edi, '0'
  call serial_putc
  mov edi, 'x'
  call serial_putc
  mov r12d, 16
.digit:
  rol rbx, 4                            ; the most significant nibble comes round to the bottom
  mov edi, ebx
  and edi, 0xF
  movzx edi, byte [hex_digits + rdi]
  call serial_putc
  dec r12d
  jnz .digit
  pop r12
  pop rbx
  ret

; print_hex8 — writes DIL as two hexadecimal digits, no prefix.
print_hex8:
  push rbx
  movzx ebx, dil
  mov edi, ebx
  shr edi, 4
  movzx edi, byte [hex_digits + rdi]
  call serial_putc
  and ebx, 0xF
  movzx edi, byte [hex_digits + rbx]
  call serial_putc
  pop rbx
  ret

; print_dec — writes RDI as an unsigned decimal number without leading zeros.
print_dec:
  sub rsp, 24                           ; 20 digits for 2^64-1, plus the NUL, rounded up
  mov rax, rdi
  lea rsi, [rsp + 23]
  mov byte [rsi], 0
  mov ecx, 10
.divide:                                ; digits come out least significant first: fill backwards
  xor edx, edx
  div rcx
  add edx, '0'
  dec rsi
  mov [rsi], dl
  test rax, rax
  jnz .divide
  mov rdi, rsi
  call print_str
  add rsp, 24
  ret

; print_quoted_char — writes DIL as it may appear between double quotes on a banner line: '"' and '\'
; are backslash-escaped, bytes outside printable ASCII become \xNN, so a line stays one line.
print_quoted_char:
  push rbx
  movzx ebx, dil
  cmp ebx, '"'
  je .escaped
  cmp ebx, '\'
  je .escaped
  cmp ebx, 0x20
  jb .hex
  cmp ebx, 0x7E
  ja .hex
  mov edi, ebx
  call serial_putc
  pop rbx
  ret
.escaped:
  mov edi, '\'
  call serial_putc
  mov edi, ebx
  call serial_putc
  pop rbx
  ret
.hex:
  mov edi, '\'
  call serial_putc
  mov edi, 'x'
  call serial_putc
  mov edi, ebx
  call print_hex8
  pop rbx
  ret

section .rodata
hex_digits:  db "0123456789abcdef"
str_newline: db 13, 10, 0
