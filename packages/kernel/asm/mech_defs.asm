; mech_defs.asm — constants and layouts of the kernel's mechanisms: per-CPU memory, threads, the message
; matrix. Emits no bytes. Included right after defs.asm so every file can use these names.
;
; Who may touch what (there are no locks, so this table IS the synchronisation design):
;
;   data                          written by                 read by
;   ----------------------------  -------------------------  ---------------------------------------------
;   mech block (one per CPU)      its CPU only               its CPU; other CPUs read only .own_start/.own_end
;                                                            (fixed before cpu_ready is published) and the
;                                                            statistics (plain aligned qword loads: a
;                                                            snapshot, never torn)
;   thread (tcb)                  the CPU it runs on         that CPU (other CPUs only pass its address back
;                                                            through the matrix, in MSG_K_WAKE)
;   slab header                   the owner CPU              others read .owner (set before any object of
;                                                            the slab was handed out)
;   ring head line                the producer (src) only    the consumer (dst)
;   ring tail line                the consumer (dst) only    the producer (src)
;   ring slots                    the producer, before head  the consumer, after it read head
;   cpu_idle[cpu], cpu_ready[cpu] that CPU only              everyone (one 64-byte line each)
;
; The per-CPU mechanism block (struc mech), reached through [gs:percpu.mech]:
;
;   +--------------------------------------------------------------+  offset 0
;   | cpu, node, current, idle thread, run queue, timer queue,     |  scheduler (owner only)
;   | reap, receive waiters, wake_dirty mask, recv round robin     |
;   +--------------------------------------------------------------+
;   | page free lists, one per order 0..PAGE_MAX_ORDER             |  page allocator (owner only)
;   | bump ranges [next, end), owned ranges [start, end), free maps |  .own_* read by others
;   | partial slab list per size class, stack cache, stack window  |
;   | device vectors: handed out, enabled, pending; the irq waiter |  irq.asm (owner only)
;   +--------------------------------------------------------------+
;   | statistics (counters)                                        |  owner writes, anyone reads
;   +--------------------------------------------------------------+

; ---- per-CPU page allocator ----------------------------------------------------------------------------
PAGE_SIZE       equ 4096
PAGE_SHIFT      equ 12
PAGE_MAX_ORDER  equ 15                  ; largest block: 2^15 pages = 128 MiB, naturally aligned (GC semispaces)
PAGE_ORDERS     equ PAGE_MAX_ORDER + 1
MECH_RANGES     equ 8                   ; pieces of node memory one CPU may own

; ---- size-class object allocator -----------------------------------------------------------------------
OBJ_CLASSES     equ 8                   ; 16, 32, 64, ... 2048 bytes
OBJ_MIN_SHIFT   equ 4
OBJ_MAX_SIZE    equ 2048
SLAB_ORDER      equ 2                   ; a slab is 4 pages, aligned to its size, header first
SLAB_SIZE       equ PAGE_SIZE << SLAB_ORDER
SLAB_MAGIC      equ 'SLAB'

struc slab                              ; at the start of every slab; objects follow it
  .magic:   resd 1
  .class:   resd 1
  .owner:   resd 1                      ; CPU whose allocator the slab belongs to; never changes
  .inuse:   resd 1                      ; objects handed out and not yet freed
  .free:    resq 1                      ; freed objects, linked through their first qword
  .bump:    resq 1                      ; next never-used object
  .prev:    resq 1                      ; partial-slab list of the class (slabs with room)
  .next:    resq 1
  .objsize: resq 1
  .listed:  resq 1                      ; 1 while on the partial list
endstruc
SLAB_HEADER equ 128                     ; objects start here: keeps every class's objects 16-byte aligned

; ---- threads -------------------------------------------------------------------------------------------
STACK_CACHE_MAX equ 16                  ; stacks a CPU keeps for reuse; more go back to the page allocator

THREAD_READY    equ 0
THREAD_RUNNING  equ 1
THREAD_BLOCKED  equ 2
THREAD_SLEEPING equ 3
THREAD_DEAD     equ 4

THREAD_DETACHED     equ 1 << 0          ; nobody joins it: its tcb is freed when it exits
THREAD_WAKE_PENDING equ 1 << 1          ; woken while not blocked: its next block returns at once

struc thread
  .next:       resq 1                   ; run queue, timer queue or waiter list link
  .rsp:        resq 1                   ; saved stack pointer while switched out
  .state:      resd 1
  .flags:      resd 1
  .cpu:        resd 1                   ; the CPU it runs on, for good
  .reserved:   resd 1
  .stack:      resq 1                   ; stack block (guard page first); 0 for a CPU's idle thread
  .entry:      resq 1
  .arg:        resq 1
  .joiner:     resq 1                   ; thread blocked in thread_join on this one
  .exit_value: resq 1
  .deadline:   resq 1                   ; clock_ns value a sleeping thread waits for
  .waiting:    resq 1                   ; 1 while on the CPU's receive-waiters list
  .wait_next:  resq 1                   ; that list's link
  .reply:      resq 2                   ; a struc page_reply for page_alloc_node's request: the lender
                                        ; writes it, so it is here and not on the stack (a thread's
                                        ; stack may be in its CPU's window, stack_window.asm, which
                                        ; no other CPU maps)
endstruc

; ---- message matrix ------------------------------------------------------------------------------------
; One ring per ordered pair (src, dst) and kind. Kernel rings carry the kernel's own requests (remote
; free, remote create, remote wake) and are drained by the scheduler; user rings carry service messages
; and are read by msg_recv. Separate rings keep a service that stops receiving from holding up frees.
RING_SLOTS      equ 64                  ; a power of two
RING_FULL_SPINS equ 100                 ; a sender alone on its CPU watches for room this many times,
RING_FULL_BACKOFF_NS equ 20000          ; then waits this long, halted, before looking again
RING_MSG        equ 32                  ; bytes per message: type, a, b, c
RING_KERNEL     equ 0
RING_USER       equ 1

struc ring
  .head:       resq 1                   ; producer's line: messages published so far
  .tail_seen:  resq 1                   ; producer's copy of .tail, refreshed only when the ring looks full
  .head_pad:   resb 48
  .tail:       resq 1                   ; consumer's line: messages consumed so far
  .tail_pad:   resb 56
  .slots:      resb RING_SLOTS * RING_MSG
endstruc
RING_BYTES      equ ring_size           ; 2176, a multiple of 64

struc message                           ; the 32 bytes msg_recv copies out
  .type: resq 1
  .a:    resq 1
  .b:    resq 1
  .c:    resq 1
endstruc

MSG_K_PAGE_FREE equ 1                   ; a = block address, b = order
MSG_K_OBJ_FREE  equ 2                   ; a = object
MSG_K_CREATE    equ 3                   ; a = entry, b = argument
MSG_K_WAKE      equ 4                   ; a = thread
MSG_K_PAGE_REQ  equ 5                   ; a = order, b = reply (struc page_reply) in the requester's tcb

struc page_reply                        ; written once by the CPU asked, read by the asker after .done
  .done:  resq 1
  .block: resq 1                        ; 0 when the CPU asked had no block either
endstruc
PAGE_REQ_POLL_NS equ 10000              ; the asker sleeps this long between looks at the reply

CPU_LINE        equ 64
RUNQ_CREATE_LIMIT equ 64                ; no remote create is taken in while this many threads are ready                  ; stride of cpu_idle / cpu_ready: one cache line per CPU

; ---- the per-CPU mechanism block -----------------------------------------------------------------------
struc mech
  .cpu:          resd 1
  .node:         resd 1
  .current:      resq 1                 ; running thread
  .idle_thread:  resq 1                 ; this CPU's boot context: runs when nothing else can
  .runq_head:    resq 1
  .runq_tail:    resq 1
  .runq_len:     resq 1                 ; threads on the run queue
  .timers:       resq 1                 ; sleeping threads, earliest deadline first
  .reap:         resq 1                 ; thread that just exited; its stack is released off its stack
  .recv_waiters: resq 1                 ; threads blocked in msg_recv
  .wake_dirty:   resq 1                 ; bit per CPU: messages published to it since the last msg_flush
  .recv_rr:      resd 1                 ; msg_try_recv's next source, for fairness
  .range_cur:    resd 1                 ; bump range in use
  .range_count:  resd 1
  .pad0:         resd 1
  .free_lists:   resq PAGE_ORDERS
  .bump_next:    resq MECH_RANGES
  .bump_end:     resq MECH_RANGES
  .own_start:    resq MECH_RANGES       ; memory this CPU owns, for page_owner; fixed after init
  .own_end:      resq MECH_RANGES
  .free_map:     resq MECH_RANGES       ; per piece: a byte per page, order+1 at the head of a free block
                                        ; (biased: page p's byte at .free_map + p, see free_map_of)
  .slabs:        resq OBJ_CLASSES       ; partial slabs per class
  .stack_cache:  resq 1                 ; stacks of exited threads, guard page still unmapped
  .sw_pdpt:      resq 1                 ; stack_window.asm: the window's PDPT (0 until first used)
  .sw_bitmap:    resq 1                 ; its slots in use, a bit each (a page; 0 until first used)
  .sw_reserve:   resq 1                 ; pages kept for faults inside the page allocator, linked
  .sw_reserved:  resq 1                 ; how many
  .sw_bytes:     resq 1                 ; memory the window holds: its pages, tables and reserve
  .irq_used:     resq 4                 ; irq.asm: device vectors this CPU handed out, a bit each
  .irq_enabled:  resq 4                 ; those whose arrival ends irq_wait
  .irq_pending:  resq 4                 ; arrived since irq_take (set by irq_device, in hlt only)
  .irq_waiter:   resq 1                 ; the thread in irq_wait, 0 if none
  .irq_kicked:   resq 1                 ; irq_kick since the last irq_wait returned
  .irq_count:    resq 1                 ; device interrupts taken
  ; statistics: see mem_stats for the order in which they are reported
  .total_bytes:  resq 1
  .free_bytes:   resq 1
  .page_allocs:  resq 1
  .page_frees:   resq 1
  .obj_allocs:   resq 1
  .obj_frees:    resq 1
  .remote_sent:  resq 1                 ; frees sent to their owner through the matrix
  .remote_recvd: resq 1                 ; frees received from other CPUs
  .threads_made: resq 1
  .threads_live: resq 1
  .stacks_total: resq 1                 ; stacks held: in use by threads or in the cache
  .stacks_cached: resq 1
  .switches:     resq 1
  .msgs_sent:    resq 1
  .msgs_recvd:   resq 1
  .create_fail:  resq 1                 ; remote create requests that found no memory
endstruc
MECH_STATS      equ mech.total_bytes
MECH_NSTATS     equ (mech_size - mech.total_bytes) / 8
MECH_STRIDE     equ 1024                ; mech_size rounded up; a multiple of 64
EXIT_NO_MEMORY  equ 71                  ; cpu_main: a CPU found no memory for its scheduler and rings
