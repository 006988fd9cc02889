; mbr.asm — the disk's first sector: stage 1 of the BIOS boot path.
;
; The BIOS loads this sector at 0x7C00 and jumps to it in 16-bit real mode with DL = the boot drive.
; It reads the loader (bios_loader.asm) from the sectors the disk writer recorded in `loader_lba` and
; `loader_sectors` to LOADER_ADDR with an INT 13h extended read, and jumps there with DL = the drive and
; CS = DS = ES = SS = 0, the stack under 0x7C00.
; Bytes 440 to 509 are the disk's, not this code's: the disk signature and the partition table of the
; protective MBR, written by the toolchain's disk writer (disk/gpt.ts); then the 55 AA signature.

%include "defs.asm"
%include "boot_defs.asm"

org 0x7C00
bits 16

mbr_start:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, BOOT_STACK_TOP
  sti
  cld
  jmp 0:.flat                           ; some BIOSes enter at 07C0:0000: make CS 0 like the rest
.flat:
  mov [mbr_drive], dl
  ; Extended (LBA) reads must be there: CHS cannot reach past 8 GiB, nor express our layout simply.
  mov ah, 0x41
  mov bx, 0x55AA
  int 0x13
  jc .no_lba
  cmp bx, 0xAA55
  jne .no_lba
  test cl, 1                            ; bit 0: the disk address packet functions (42h...)
  jz .no_lba
  mov ax, [loader_sectors]
  mov [mbr_dap + dap.count], ax
  mov eax, [loader_lba]
  mov [mbr_dap + dap.lba], eax
  mov si, mbr_dap
  mov ah, 0x42
  mov dl, [mbr_drive]
  int 0x13
  jc .read_failed
  mov dl, [mbr_drive]
  jmp 0:LOADER_ADDR
.no_lba:
  mov si, msg_no_lba
  jmp boot_fail
.read_failed:
  mov si, msg_read_failed
  jmp boot_fail

%include "boot_console.asm"

msg_no_lba:      db "toro-boot: error: the BIOS offers no LBA disk reads (INT 13h extensions)", 13, 10, 0
msg_read_failed: db "toro-boot: error: cannot read the loader from the boot disk", 13, 10, 0

align 4
mbr_dap:
  istruc dap
    at dap.size,    db dap_size
    at dap.zero,    db 0
    at dap.count,   dw 0
    at dap.offset,  dw LOADER_ADDR
    at dap.segment, dw 0
    at dap.lba,     dq 0
  iend
mbr_drive: db 0

; Written by the disk writer: where the loader is (first sector, counted from the start of the disk).
  times 0x1B0 - ($ - $$) db 0
loader_lba:     dd 0
loader_sectors: dw 0
  times 440 - ($ - $$) db 0
; 440..509: disk signature and partition table (the disk writer's).
  times 510 - ($ - $$) db 0
  dw 0xAA55
