; serial.asm — COM1 output: a 16550 UART at I/O port 0x3F8, driven by polling (no interrupts yet).
;
; Routines follow the kernel's System V convention (kernel.asm). Both only touch RAX and RDX.
; Assumes nothing about the UART's state: serial_init programs every register that matters.
; If no UART is present the port reads 0xFF, which looks like "ready", so output is dropped, not hung.

section .text
bits 64

; serial_init — 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on, interrupts off.
; Clobbers RAX, RDX.
serial_init:
  mov dx, COM1 + UART_IER
  xor eax, eax
  out dx, al                            ; no UART interrupts: output is polled
  mov dx, COM1 + UART_LCR
  mov al, 0x80                          ; DLAB: THR/IER become the baud divisor latch
  out dx, al
  mov dx, COM1 + UART_THR
  mov al, 1                             ; divisor 1: 115200 / 1 baud
  out dx, al
  mov dx, COM1 + UART_IER
  xor eax, eax
  out dx, al
  mov dx, COM1 + UART_LCR
  mov al, 0x03                          ; 8N1, DLAB off again
  out dx, al
  mov dx, COM1 + UART_FCR
  mov al, 0xC7                          ; enable and clear both FIFOs, 14-byte receive threshold
  out dx, al
  mov dx, COM1 + UART_MCR
  mov al, 0x03                          ; DTR + RTS, for terminals that wait on modem lines
  out dx, al
  ret

; serial_putc — writes the byte in DIL once the transmitter can take it. Clobbers RAX, RDX.
serial_putc:
  mov dx, COM1 + UART_LSR
.wait:
  in al, dx
  test al, UART_LSR_THRE
  jz .wait
  mov dx, COM1 + UART_THR
  mov eax, edi
  out dx, al
  ret
