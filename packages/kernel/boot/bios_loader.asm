; bios_loader.asm — stage 2 of the BIOS boot path: from real mode to the kernel's PVH entry.
;
; mbr.asm jumps here (LOADER_ADDR; CS = DS = ES = SS = 0, the stack under 0x7C00) with DL = the boot
; drive. The loader then does what QEMU's PVH loader does for `-kernel`, from the disk:
;   1. A20 on;
;   2. the memory map from INT 15h E820, kept as hvm_memmap_entry records (the same 24-byte shape);
;   3. a check that one RAM range holds the whole kernel, so a machine too small says so;
;   4. the command line the disk writer recorded, copied to the hand-off area;
;   5. every segment of the kernel's ELF (the table the disk writer recorded in boot_info) read through
;      the bounce buffer and copied to its physical address in protected mode, the rest of its memory
;      size zeroed;
;   6. hvm_start_info in the hand-off area, and the jump to the PVH entry: 32-bit protected mode, paging
;      off, flat segments, interrupts off, EBX = the start info (Xen's PVH boot ABI).
; Any failure writes `toro-boot: error: ...` on COM1 and stops (boot_console.asm).
; The disk writer (toolchain disk/bios-disk.ts) fills boot_info in its copy of this binary, by symbol.
;
; Conventions: real-mode routines keep DS = ES = 0, say what they clobber, and preserve the rest; the
; protected-mode stretch (pm_move, enter_kernel) uses no stack.

%include "defs.asm"
%include "boot_defs.asm"

BOOT_CODE32 equ 0x08                    ; selectors of boot_gdt
BOOT_DATA32 equ 0x10
BOOT_CODE16 equ 0x18
BOOT_DATA16 equ 0x20
E820_SMAP   equ 0x534D4150              ; "SMAP"

; Into 32-bit protected mode with interrupts off, flat data segments in DS and ES: the way in for pm_move
; and enter_kernel. Clobbers EAX.
%macro protected_mode_flat 0
  cli
  o32 lgdt [boot_gdtr]
  mov eax, cr0
  or al, CR0_PE
  mov cr0, eax
  jmp BOOT_CODE32:%%protected
bits 32
%%protected:
  mov ax, BOOT_DATA32
  mov ds, ax
  mov es, ax
%endmacro

org LOADER_ADDR
bits 16

loader_start:
  mov [boot_drive], dl
  mov si, msg_loading
  call boot_puts
  call enable_a20
  call read_memmap
  call check_memory
  call copy_cmdline
  call load_segments
  call build_start_info
  jmp enter_kernel

; enable_a20 — asks the BIOS, then sets the fast A20 gate (port 0x92) if it is still off. Clobbers AX.
enable_a20:
  mov ax, 0x2401
  int 0x15                              ; a BIOS without the call leaves carry set: the port follows
  in al, 0x92
  test al, 2
  jnz .done
  or al, 2
  and al, 0xFE                          ; bit 0 would reset the machine
  out 0x92, al
.done:
  ret

; read_memmap — the E820 map into HANDOFF_MEMMAP, its length in [memmap_entries]; entries of size 0 and
; those ACPI 3.0 marks "ignore" are left out. Fails the boot when the BIOS gives none.
; Clobbers EAX, EBX, ECX, EDX, DI.
read_memmap:
  mov di, HANDOFF_MEMMAP
  xor ebx, ebx                          ; continuation: 0 = start
.next:
  mov dword [di + hvm_memmap_entry.reserved], 1   ; a BIOS writing 20 bytes leaves "valid" in place
  mov eax, 0xE820
  mov edx, E820_SMAP
  mov ecx, hvm_memmap_entry_size
  int 0x15
  jc .end                               ; carry: past the last entry (or no E820 at all)
  cmp eax, E820_SMAP
  jne .end
  test byte [di + hvm_memmap_entry.reserved], 1
  jz .skip                              ; extended attributes bit 0 clear: ignore the entry
  mov eax, [di + hvm_memmap_entry.size]
  or eax, [di + hvm_memmap_entry.size + 4]
  jz .skip
  mov dword [di + hvm_memmap_entry.reserved], 0
  add di, hvm_memmap_entry_size
  inc word [memmap_entries]
  cmp word [memmap_entries], MEMMAP_MAX
  jae .end
.skip:
  test ebx, ebx                         ; 0: that was the last entry
  jnz .next
.end:
  cmp word [memmap_entries], 0
  je .none
  ret
.none:
  mov si, msg_no_memmap
  jmp boot_fail

; check_memory — fails the boot unless one RAM entry of the map holds [bi_load_low, bi_load_high), every
; byte the kernel's segments occupy. Clobbers EAX, ECX, EDX, SI.
check_memory:
  mov si, HANDOFF_MEMMAP
  mov cx, [memmap_entries]
.entry:
  cmp dword [si + hvm_memmap_entry.type], HVM_MEMMAP_RAM
  jne .next
  cmp dword [si + hvm_memmap_entry.addr + 4], 0
  jne .next                             ; starts at or above 4 GiB: not where the kernel goes
  mov eax, [si + hvm_memmap_entry.addr]
  cmp eax, [bi_load_low]
  ja .next
  add eax, [si + hvm_memmap_entry.size] ; end = addr + size, 64 bits in EDX:EAX
  mov edx, [si + hvm_memmap_entry.size + 4]
  adc edx, 0
  jnz .fits                             ; ends at or above 4 GiB: past any 32-bit address
  cmp eax, [bi_load_high]
  jae .fits
.next:
  add si, hvm_memmap_entry_size
  loop .entry
  mov si, msg_no_room
  jmp boot_fail
.fits:
  ret

; copy_cmdline — the recorded command line (NUL-terminated, the writer checked its length) to
; HANDOFF_CMDLINE, where it outlives this loader. Clobbers CX, SI, DI.
copy_cmdline:
  mov si, bi_cmdline
  mov di, HANDOFF_CMDLINE
  mov cx, BOOT_CMDLINE_BYTES
  rep movsb
  ret

; load_segments — every recorded segment: its file bytes to its physical address, then zeroes to its
; memory size. Clobbers EAX, EBX, ECX, EDX, ESI, EDI.
load_segments:
  mov bx, bi_segments
  mov cx, [bi_segment_count]            ; at most BOOT_SEGMENTS_MAX: the disk writer checks
.segment:
  jcxz .done
  push cx
  mov eax, [bx + boot_segment.offset]
  mov [load_offset], eax
  mov eax, [bx + boot_segment.paddr]
  mov [load_dest], eax
  mov eax, [bx + boot_segment.filesz]
  mov [load_left], eax
  push bx
  call load_file_bytes
  pop bx
  mov edi, [bx + boot_segment.paddr]
  add edi, [bx + boot_segment.filesz]
  mov ecx, [bx + boot_segment.memsz]
  sub ecx, [bx + boot_segment.filesz]
  mov al, 1
  call pm_move
  pop cx
  add bx, boot_segment_size
  dec cx
  jmp .segment
.done:
  ret

; load_file_bytes — copies [load_left] bytes of the ELF from file offset [load_offset] to physical
; [load_dest], a bounce buffer's worth at a time; the three variables move along. Clobbers EAX, EBX,
; ECX, EDX, ESI, EDI.
load_file_bytes:
.chunk:
  mov eax, [load_left]
  test eax, eax
  jz .done
  mov edx, [load_offset]
  and edx, SECTOR_SIZE - 1              ; where the bytes start in the first sector read
  add eax, edx
  add eax, SECTOR_SIZE - 1
  shr eax, 9                            ; sectors that cover what is left
  cmp eax, BOUNCE_SECTORS
  jbe .count
  mov eax, BOUNCE_SECTORS
.count:
  mov [load_dap + dap.count], ax
  mov eax, [load_offset]
  shr eax, 9
  add eax, [bi_elf_lba]
  mov [load_dap + dap.lba], eax
  mov si, load_dap
  mov ah, 0x42
  mov dl, [boot_drive]
  int 0x13
  jc .read_failed
  ; ECX = bytes to copy from this read: what it holds past the start offset, at most what is left.
  movzx ecx, word [load_dap + dap.count]
  shl ecx, 9
  mov esi, [load_offset]
  and esi, SECTOR_SIZE - 1
  sub ecx, esi
  cmp ecx, [load_left]
  jbe .copy
  mov ecx, [load_left]
.copy:
  add esi, BOUNCE_ADDR
  mov edi, [load_dest]
  add [load_offset], ecx
  add [load_dest], ecx
  sub [load_left], ecx
  xor al, al
  call pm_move
  jmp .chunk
.done:
  ret
.read_failed:
  mov si, msg_read_failed
  jmp boot_fail

; pm_move — with AL = 0 copies ECX bytes from physical ESI to physical EDI, with AL = 1 writes ECX zero
; bytes at EDI: in 32-bit protected mode (flat segments), returning to real mode with DS = ES = 0 and
; interrupts on again. Clobbers EAX, ECX, ESI, EDI, DL.
pm_move:
  mov dl, al
  protected_mode_flat
  test dl, dl
  jnz .zero
  rep movsb
  jmp .leave
.zero:
  xor eax, eax
  rep stosb
.leave:
  jmp BOOT_CODE16:.protected16          ; 16-bit code first: real mode must be entered from it
bits 16
.protected16:
  mov ax, BOOT_DATA16                   ; 64 KiB limits again, as real mode expects
  mov ds, ax
  mov es, ax
  mov eax, cr0
  and al, ~CR0_PE
  mov cr0, eax
  jmp 0:.real
.real:
  xor ax, ax
  mov ds, ax
  mov es, ax
  sti
  ret

; build_start_info — hvm_start_info (version 1) at HANDOFF_START_INFO: the command line and memory map
; of the hand-off area, no modules, no RSDP (the kernel finds it in the BIOS area). Clobbers EAX, CX, DI.
build_start_info:
  mov di, HANDOFF_START_INFO
  xor eax, eax
  mov cx, hvm_start_info_size
  rep stosb
  mov dword [HANDOFF_START_INFO + hvm_start_info.magic], HVM_START_MAGIC
  mov dword [HANDOFF_START_INFO + hvm_start_info.version], 1
  mov dword [HANDOFF_START_INFO + hvm_start_info.cmdline_paddr], HANDOFF_CMDLINE
  mov dword [HANDOFF_START_INFO + hvm_start_info.memmap_paddr], HANDOFF_MEMMAP
  movzx eax, word [memmap_entries]
  mov [HANDOFF_START_INFO + hvm_start_info.memmap_entries], eax
  ret

; enter_kernel — into 32-bit protected mode for good and on to the PVH entry (never returns).
enter_kernel:
  protected_mode_flat
  mov fs, ax
  mov gs, ax
  mov ss, ax
  mov ebx, HANDOFF_START_INFO
  jmp [bi_entry]
bits 16

%include "boot_console.asm"

msg_loading:     db "toro-boot: BIOS, loading the kernel from disk", 13, 10, 0
msg_no_memmap:   db "toro-boot: error: the BIOS gives no memory map (INT 15h E820)", 13, 10, 0
msg_no_room:     db "toro-boot: error: no memory range holds the kernel; give the machine more memory", 13, 10, 0
msg_read_failed: db "toro-boot: error: cannot read the kernel from the boot disk", 13, 10, 0

align 8
boot_gdt:
  dq 0
  dq 0x00CF9A000000FFFF                 ; 0x08: 32-bit code, base 0, limit 4 GiB
  dq 0x00CF92000000FFFF                 ; 0x10: 32-bit data, base 0, limit 4 GiB
  dq 0x00009A000000FFFF                 ; 0x18: 16-bit code, base 0, limit 64 KiB
  dq 0x000092000000FFFF                 ; 0x20: 16-bit data, base 0, limit 64 KiB
boot_gdt_end:
boot_gdtr:
  dw boot_gdt_end - boot_gdt - 1
  dd boot_gdt

align 4
load_dap:
  istruc dap
    at dap.size,    db dap_size
    at dap.zero,    db 0
    at dap.count,   dw 0
    at dap.offset,  dw 0
    at dap.segment, dw BOUNCE_SEG
    at dap.lba,     dq 0
  iend
load_offset:    dd 0
load_dest:      dd 0
load_left:      dd 0
memmap_entries: dw 0
boot_drive:     db 0

; Filled by the disk writer in its copy of this binary (found by these labels).
align 16
boot_info:
bi_elf_lba:       dd 0                  ; the ELF's first sector, counted from the start of the disk
bi_entry:         dd 0                  ; the PVH entry point (physical)
bi_load_low:      dd 0                  ; lowest physical address a segment occupies
bi_load_high:     dd 0                  ; end of the highest one (exclusive)
bi_segment_count: dd 0
align 16
bi_segments:      times BOOT_SEGMENTS_MAX * boot_segment_size db 0
bi_cmdline:       times BOOT_CMDLINE_BYTES db 0
loader_end:
