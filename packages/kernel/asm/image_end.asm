; image_end.asm — the end of a kernel image with a linked service (-DSERVICE builds only). The linker
; places each object's piece of a section after the previous objects' pieces, so this object, linked
; last, marks where the whole image's .bss ends: pvh_entry clears [bss_start, bss_end) and the memory
; allocator hands out RAM only from kernel_end up (topology.asm). It also closes the service's data
; window (kernel.asm opens .svcdata with svc_data_start): this piece is page-aligned, so svc_data_end
; lies on a page boundary and the window is whole pages (isolate.asm copies it page by page).

section .svcdata progbits write noexec align=4096
global svc_data_end
svc_data_end:

section .bss nobits align=4096
global bss_end, kernel_end
bss_end:
kernel_end:
