; image_end.asm — the end of a kernel image with a linked service (-DSERVICE builds only). The linker
; places each object's piece of a section after the previous objects' pieces, so this object, linked
; last, marks where the whole image's .bss ends: pvh_entry clears [bss_start, bss_end) and the memory
; allocator hands out RAM only from kernel_end up (topology.asm).

section .bss nobits align=4096
global bss_end, kernel_end
bss_end:
kernel_end:
