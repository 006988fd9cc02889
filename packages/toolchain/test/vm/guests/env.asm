; Test guest for the VM runner: a flat 32-bit PVH guest (nasm -f bin, wrapped into a PVH ELF by the tests).
;
; Entered via PVH: 32-bit protected mode, paging off, ebx = physical address of hvm_start_info.
; Register use: ebx keeps the start-info pointer until the command line is printed; esi = string cursor;
; eax/ecx/edx are scratch for every routine. No stack is used before `mov esp, stack_top`.
;
; Prints:
;   guest: hello
;   cmdline: <PVH command line>
;   cpus 0x<fw_cfg NB_CPUS, 16 bits>
;   ram 0x<fw_cfg RAM_SIZE, 64 bits>
;   acpi: <signature of every table in the XSDT/RSDT, e.g. FACP APIC SRAT>   (nothing after ':' without ACPI)
; then, depending on -D defines:
;   HANG         spin forever (jmp $)
;   POWEROFF     print "toro: exit 5" and power off through q35's ACPI PM1a control (QEMU exits 0)
;   BANNER       print "toro: exit EXIT_CODE" before writing it to isa-debug-exit
;   (default)    write EXIT_CODE to isa-debug-exit at 0xf4

bits 32
org 0x100000

%ifndef EXIT_CODE
%define EXIT_CODE 0
%endif

COM1        equ 0x3f8
FW_CFG_SEL  equ 0x510
FW_CFG_DATA equ 0x511
FW_CFG_RAM_SIZE equ 0x03
FW_CFG_NB_CPUS  equ 0x05
START_INFO_CMDLINE equ 24       ; hvm_start_info.cmdline_paddr (u64, we use the low half)
START_INFO_RSDP    equ 32       ; hvm_start_info.rsdp_paddr (u64, low half)

start:
    mov esp, stack_top
    mov esi, msg_hello
    call puts

    mov esi, msg_cmdline
    call puts_nonl
    mov esi, [ebx + START_INFO_CMDLINE]
    test esi, esi
    jz .no_cmdline
    call puts_nonl
.no_cmdline:
    call newline

    mov esi, msg_cpus
    call puts_nonl
    mov ax, FW_CFG_NB_CPUS
    mov ecx, 2
    call fwcfg_hex
    call newline

    mov esi, msg_ram
    call puts_nonl
    mov ax, FW_CFG_RAM_SIZE
    mov ecx, 8
    call fwcfg_hex
    call newline

    call print_acpi

%ifdef HANG
    mov esi, msg_hang
    call puts
    jmp $
%elifdef POWEROFF
    mov esi, msg_exit5
    call puts
    mov dx, 0x604               ; q35 PM1a_CNT: SLP_TYP 0 (S5 in QEMU's DSDT) | SLP_EN
    mov ax, 0x2000
    out dx, ax
    jmp $
%else
%ifdef BANNER
    mov esi, msg_banner
    call puts
%endif
    mov eax, EXIT_CODE
    out 0xf4, al
    jmp $
%endif

; print_acpi: "acpi:" then " SIGN" for each table the root table lists. Uses the XSDT when the RSDP is
; revision 2+ and has one, else the RSDT. Clobbers eax, ecx, edx, esi, ebp.
print_acpi:
    mov esi, msg_acpi
    call puts_nonl
    mov esi, [ebx + START_INFO_RSDP]
    test esi, esi
    jz .done
    cmp byte [esi + 15], 2
    jb .rsdt
    mov eax, [esi + 24]
    test eax, eax
    jz .rsdt
    mov dword [acpi_step], 8
    jmp .have_root
.rsdt:
    mov eax, [esi + 16]
    mov dword [acpi_step], 4
.have_root:
    test eax, eax
    jz .done
    mov ecx, [eax + 4]          ; root table length, header included
    lea ebp, [eax + 36]         ; first entry
    add ecx, eax                ; end of the table
.next:
    cmp ebp, ecx
    jae .done
    mov esi, [ebp]
    mov al, ' '
    call putc
    mov al, [esi]
    call putc
    mov al, [esi + 1]
    call putc
    mov al, [esi + 2]
    call putc
    mov al, [esi + 3]
    call putc
    add ebp, [acpi_step]
    jmp .next
.done:
    jmp newline

; fwcfg_hex: select item ax, read ecx little-endian bytes, print them as one hex number (most significant
; first). Clobbers eax, ecx, edx, edi.
fwcfg_hex:
    mov dx, FW_CFG_SEL
    out dx, ax
    mov dx, FW_CFG_DATA
    lea edi, [fwbuf]
    push ecx
.read:
    in al, dx
    stosb
    loop .read
    pop ecx
    mov al, '0'
    call putc
    mov al, 'x'
    call putc
.print:
    movzx eax, byte [fwbuf + ecx - 1]
    push eax
    shr al, 4
    call hexdigit
    pop eax
    and al, 0x0f
    call hexdigit
    loop .print
    ret

hexdigit:
    add al, '0'
    cmp al, '9'
    jbe putc
    add al, 'a' - '9' - 1
    ; fall through

; putc: send al to COM1 once the transmit holding register is empty. Clobbers edx; keeps al.
putc:
    push eax
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop eax
    mov dx, COM1
    out dx, al
    ret

; puts / puts_nonl: print the NUL-terminated string at esi (puts adds "\r\n"). Clobbers eax, edx, esi.
puts:
    call puts_nonl
newline:
    mov al, 13
    call putc
    mov al, 10
    jmp putc
puts_nonl:
    lodsb
    test al, al
    jz .done
    call putc
    jmp puts_nonl
.done:
    ret

msg_hello:   db "guest: hello", 0
msg_cmdline: db "cmdline: ", 0
msg_cpus:    db "cpus ", 0
msg_ram:     db "ram ", 0
msg_acpi:    db "acpi:", 0
msg_hang:    db "guest: hanging", 0
msg_exit5:   db "toro: exit 5", 0
%defstr EXIT_CODE_STR EXIT_CODE
msg_banner:  db "toro: exit ", EXIT_CODE_STR, 0

fwbuf: times 8 db 0
acpi_step: dd 0
align 16
stack: times 256 db 0
stack_top:
