; boot_defs.asm — the BIOS boot path's memory below 1 MiB and its shared records (mbr.asm, bios_loader.asm).
;
; Physical layout while the loader runs (CS = DS = ES = SS = 0 in real mode):
;   0x01000  hvm_start_info, then the memory map, then the command line: the hand-off the kernel reads
;            (its page allocator never hands out memory below the image, so these stay intact)
;   0x07C00  mbr.asm, with the stack just below it
;   0x08000  bios_loader.asm (the kernel's AP trampoline reuses this page once the loader is gone)
;   0x10000  the bounce buffer disk reads land in before they are copied above 1 MiB

HANDOFF_START_INFO  equ 0x1000          ; hvm_start_info (defs.asm), 56 bytes
HANDOFF_MEMMAP      equ 0x1100          ; hvm_memmap_entry records, MEMMAP_MAX at most
MEMMAP_MAX          equ 128             ; 128 * 24 bytes ends at 0x1D00
HANDOFF_CMDLINE     equ 0x2000          ; NUL-terminated, BOOT_CMDLINE_BYTES at most
BOOT_STACK_TOP      equ 0x7C00
LOADER_ADDR         equ 0x8000
LOADER_MAX_SECTORS  equ 64              ; 32 KiB: the loader must end below the bounce buffer
BOUNCE_SEG          equ 0x1000
BOUNCE_ADDR         equ BOUNCE_SEG << 4
BOUNCE_SECTORS      equ 64              ; 32 KiB per read: under the 127 sectors some BIOSes allow
SECTOR_SIZE         equ 512

BOOT_SEGMENTS_MAX   equ 16              ; PT_LOAD segments the loader takes (the kernel has 5 or 6)
BOOT_CMDLINE_BYTES  equ 2048            ; with its NUL, as Linux's x86 COMMAND_LINE_SIZE
BOOT_FAIL_CODE      equ 1               ; what a failed boot writes to isa-debug-exit

; INT 13h AH=42h disk address packet.
struc dap
  .size:    resb 1                      ; 16
  .zero:    resb 1
  .count:   resw 1                      ; sectors
  .offset:  resw 1                      ; buffer, segment:offset
  .segment: resw 1
  .lba:     resq 1
endstruc

; One segment of the kernel's ELF as the disk writer records it (all physical, below 4 GiB).
struc boot_segment
  .offset: resd 1                       ; file offset of its bytes in the ELF
  .paddr:  resd 1                       ; where they go
  .filesz: resd 1                       ; bytes from the file
  .memsz:  resd 1                       ; bytes in memory; the rest after filesz is zeroed
endstruc
