; boot_console.asm — what the 16-bit boot code says on COM1, and how it gives up.
;
; Output is polled on the 16550 at COM1 without programming it: the kernel's serial_init does that
; later, and a virtual UART (QEMU's, Compute Engine's serial console) does not need a baud rate. With
; no UART the status port reads 0xFF ("ready") and the bytes are dropped instead of hanging.
; Real-mode routines; DS = 0.

bits 16

; boot_puts — writes the NUL-terminated string at DS:SI. Clobbers AX, DX, SI.
boot_puts:
.next:
  lodsb
  test al, al
  jz .done
  mov ah, al
  mov dx, COM1 + UART_LSR
.wait:
  in al, dx
  test al, UART_LSR_THRE
  jz .wait
  mov al, ah
  mov dx, COM1 + UART_THR
  out dx, al
  jmp .next
.done:
  ret

; boot_fail — writes the message at DS:SI and stops: exit code BOOT_FAIL_CODE through isa-debug-exit
; (present when `toro run` boots the disk; elsewhere the write goes nowhere), then halts for good.
boot_fail:
  call boot_puts
  mov al, BOOT_FAIL_CODE
  out ISA_DEBUG_EXIT_PORT, al
.halt:
  cli
  hlt
  jmp .halt
