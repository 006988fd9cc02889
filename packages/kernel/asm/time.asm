; time.asm — the TSC rate, the monotonic clock in ns, and each CPU's one-shot timer.
;
; The TSC rate comes from the first of these that answers (time_init; the banner says which):
;   cmdline     `tsc_khz=<n>` on the command line (toro run may pass the rate it knows)
;   cpuid-15h   CPUID leaf 0x15: crystal frequency x TSC/crystal ratio
;   cpuid-16h   CPUID leaf 0x16: processor base frequency
;   hypervisor  CPUID leaf 0x40000010 (VMware/KVM convention): TSC kHz
;   pm-timer    calibrated against the ACPI PM timer (3.579545 MHz; q35 has one, microvm does not)
;   rtc         calibrated against the CMOS RTC's periodic flag at 1024 Hz (polled: no interrupt needed)
;   fallback    none of these worked: 1 GHz is assumed, and the banner says so
; Every wait here is bounded by a count of polls as well as by the TSC, so a missing or frozen reference
; makes time_init fall through to the next source instead of hanging.
; The TSC is taken to be invariant and synchronised across CPUs (true of QEMU, TCG and KVM alike).
;
; The timer: TSC-deadline mode when CPUID has it and a probe interrupt really arrives, else the LAPIC
; timer in one-shot mode at a rate measured against the TSC. Its interrupt (irq_timer, idt.asm) calls
; timer_tick once the armed deadline has passed.
; Routines: System V convention (kernel.asm) unless a header says fewer registers are touched.

PM_TIMER_HZ       equ 3579545
PM_TIMER_MASK     equ 0xFFFFFF          ; 24 bits is the width every PM timer has
PM_TIMER_WINDOW   equ PM_TIMER_HZ / 16  ; 62.5 ms of PM timer ticks
RTC_INDEX         equ 0x70
RTC_DATA          equ 0x71
RTC_REG_A         equ 0x0A
RTC_REG_B         equ 0x0B
RTC_REG_C         equ 0x0C
RTC_A_1024HZ      equ 0x26              ; 32.768 kHz time base, rate 6: 1024 periodic flags a second
RTC_B_PIE         equ 1 << 6
RTC_C_PF          equ 1 << 6
RTC_FLAGS         equ 128               ; about 125 ms of flags
CALIBRATE_POLLS   equ 20000000          ; upper bound on reference reads per calibration
TSC_FALLBACK_KHZ  equ 1000000
LAPIC_CALIBRATE_US equ 20000

section .text
bits 64

; tsc_read — RAX = the TSC. Clobbers RDX.
tsc_read:
  rdtsc
  shl rdx, 32
  or rax, rdx
  ret

; clock_ns — RAX = nanoseconds since time_init (monotonic, same origin on every CPU). Clobbers RDX.
clock_ns:
  rdtsc
  shl rdx, 32
  or rax, rdx
  sub rax, [tsc_base]
  mul qword [tsc_ns_mult]               ; ns = ticks * mult / 2^32
  shrd rax, rdx, 32
  ret

; ns_to_tsc — RAX = the TSC value at clock_ns() = RDI (saturates at 2^64 - 1). Clobbers RDX, RCX.
ns_to_tsc:
  mov rax, rdi
  mul qword [tsc_khz]
  mov rcx, 1000000
  cmp rdx, rcx
  jae .saturate                         ; the quotient would not fit: far beyond any real deadline
  div rcx
  add rax, [tsc_base]
  jc .saturate
  ret
.saturate:
  mov rax, -1
  ret

; tsc_delay_us — busy-waits RDI microseconds (boot-time only: SMP start-up and calibration).
tsc_delay_us:
  mov rax, rdi
  mul qword [tsc_khz]
  mov rcx, 1000
  div rcx
  mov rcx, rax
  call tsc_read
  add rcx, rax
.wait:
  pause
  call tsc_read
  cmp rax, rcx
  jb .wait
  ret

; timer_arm — arms this CPU's one-shot timer for clock_ns() = RDI; RDI = 0 disarms it. A deadline that
; has already passed fires at once. Call with interrupts off (the interrupt handler calls it too).
timer_arm:
  mov [gs:percpu.timer_deadline], rdi
  cmp byte [timer_tsc_deadline], 0
  je .oneshot
  xor eax, eax
  xor edx, edx
  test rdi, rdi
  jz .write_deadline                    ; 0 disarms TSC-deadline mode
  call ns_to_tsc
  mov rdx, rax
  shr rdx, 32
.write_deadline:
  mov ecx, MSR_TSC_DEADLINE
  wrmsr
  ret
.oneshot:
  xor esi, esi
  test rdi, rdi
  jz .write_count                       ; an initial count of 0 stops the LAPIC timer
  push rdi
  call clock_ns
  pop rdi
  mov esi, 1
  sub rdi, rax
  jbe .write_count                      ; due already: fire as soon as possible
  mov rax, rdi
  mul qword [lapic_khz]
  mov rcx, 1000000
  cmp rdx, rcx
  jae .longest
  div rcx
  inc rax                               ; never early because of rounding down
  mov esi, 0xFFFFFFFF
  cmp rax, rsi
  ja .write_count                       ; longer than the counter: irq_timer arms again
  mov esi, eax
  jmp .write_count
.longest:
  mov esi, 0xFFFFFFFF
.write_count:
  mov edi, APIC_REG_TIMER_INIT
  jmp apic_write

; cpu_halt_until_interrupt — sleeps until the next interrupt. Called with interrupts off after the
; caller found nothing to do; returns with interrupts off. `sti` enables interrupts only after the
; next instruction, so an interrupt arriving after the caller's check still ends this hlt.
cpu_halt_until_interrupt:
  sti
  hlt
  cli
  ret

; time_init — BSP, once, after apic_init: finds the TSC rate, starts the clock, picks the timer mode,
; prints "toro: tsc <kHz> kHz (<source>)" and "toro: timer <mode> ...".
time_init:
  push rbx
  call tsc_read
  mov [tsc_base], rax
  mov rdi, key_tsc_khz
  call cmdline_number
  mov rbx, str_src_cmdline
  test edx, edx
  jz .cpuid
  test rax, rax
  jnz .found
.cpuid:
  call tsc_khz_from_cpuid               ; RAX = kHz, RDX = source name
  mov rbx, rdx
  test rax, rax
  jnz .found
  call tsc_khz_from_pm_timer
  mov rbx, str_src_pm_timer
  test rax, rax
  jnz .found
  call tsc_khz_from_rtc
  mov rbx, str_src_rtc
  test rax, rax
  jnz .found
  mov eax, TSC_FALLBACK_KHZ
  mov rbx, str_src_fallback
.found:
  mov [tsc_khz], rax
  mov rcx, rax
  mov rax, 1000000 << 32                ; mult = 10^6 * 2^32 / kHz: ns per tick in 32.32 fixed point
  xor edx, edx
  div rcx
  mov [tsc_ns_mult], rax
  mov rdi, msg_tsc
  call print_str
  mov rdi, [tsc_khz]
  call print_dec
  mov rdi, msg_tsc_khz
  call print_str
  mov rdi, rbx
  call print_str
  mov rdi, msg_close_paren
  call print_str
  call timer_init
  pop rbx
  ret

; tsc_khz_from_cpuid — RAX = TSC kHz from CPUID leaves 0x15, 0x16 or 0x40000010 and RDX = the source's
; name; RAX = 0 when none gives it.
tsc_khz_from_cpuid:
  push rbx
  xor eax, eax
  cpuid
  mov r8d, eax                          ; highest basic leaf
  cmp r8d, 0x15
  jb .hypervisor
  mov eax, 0x15
  cpuid
  test eax, eax
  jz .leaf16
  test ebx, ebx
  jz .leaf16
  test ecx, ecx
  jz .leaf16                            ; crystal frequency not enumerated
  mov r9d, eax
  mov eax, ecx
  mul rbx                               ; crystal Hz * numerator
  div r9                                ; / denominator = TSC Hz
  xor edx, edx
  mov ecx, 1000
  div rcx
  mov rdx, str_src_cpuid15
  test rax, rax
  jnz .done
.leaf16:
  cmp r8d, 0x16
  jb .hypervisor
  mov eax, 0x16
  cpuid
  and eax, 0xFFFF                       ; base frequency, MHz
  jz .hypervisor
  imul eax, eax, 1000
  mov rdx, str_src_cpuid16
  jmp .done
.hypervisor:
  mov eax, 1
  cpuid
  test ecx, CPUID_1_ECX_HYPERVISOR
  jz .none
  mov eax, 0x40000000
  cpuid
  cmp eax, 0x40000010
  jb .none
  mov eax, 0x40000010
  cpuid
  mov eax, eax
  mov rdx, str_src_hypervisor
  test eax, eax
  jnz .done
.none:
  xor eax, eax
.done:
  pop rbx
  ret

; tsc_khz_from_pm_timer — RAX = TSC kHz measured over 62.5 ms of the ACPI PM timer, 0 without one.
tsc_khz_from_pm_timer:
  push rbx
  push r12
  push r13
  call pm_timer_port
  mov ebx, eax
  test ebx, ebx
  jz .fail
  ; Start on a tick edge, so the window is measured between two edges.
  mov edx, ebx
  in eax, dx
  and eax, PM_TIMER_MASK
  mov r12d, eax
  mov ecx, CALIBRATE_POLLS
.edge:
  mov edx, ebx
  in eax, dx
  and eax, PM_TIMER_MASK
  cmp eax, r12d
  jne .started
  dec ecx
  jnz .edge
  jmp .fail                             ; the timer does not move
.started:
  mov r12d, eax                         ; R12: PM timer at the start
  rdtsc
  shl rdx, 32
  or rax, rdx
  mov r13, rax                          ; R13: TSC at the start
  mov ecx, CALIBRATE_POLLS
.window:
  mov edx, ebx
  in eax, dx
  sub eax, r12d
  and eax, PM_TIMER_MASK
  cmp eax, PM_TIMER_WINDOW
  jae .measured
  dec ecx
  jnz .window
  jmp .fail
.measured:
  mov r8d, eax                          ; PM ticks elapsed
  rdtsc
  shl rdx, 32
  or rax, rdx
  sub rax, r13                          ; TSC ticks elapsed
  mov ecx, PM_TIMER_HZ
  mul rcx
  imul r8, r8, 1000
  div r8                                ; kHz = tsc * PM_HZ / (pm * 1000)
  jmp .done
.fail:
  xor eax, eax
.done:
  pop r13
  pop r12
  pop rbx
  ret

; pm_timer_port — EAX = the ACPI PM timer's I/O port from the FADT, 0 when there is none.
pm_timer_port:
  mov edi, 'FACP'
  call acpi_find_table
  test rax, rax
  jz .none
  cmp dword [rax + acpi_sdt.length], acpi_fadt.pm_tmr_blk + 4
  jb .none
  mov eax, [rax + acpi_fadt.pm_tmr_blk]
  ret
.none:
  xor eax, eax
  ret

; tsc_khz_from_rtc — RAX = TSC kHz measured against the CMOS RTC's periodic flag at 1024 Hz, 0 when
; the RTC does not tick. The flag is set even with the RTC's interrupt line masked, so it is polled.
; Under TCG the emulator sometimes runs the RTC's timer late enough that two periods merge into one
; flag, so the flags are not simply counted: the TSC is read at each of RTC_FLAGS flags, the median gap
; between flags is one period (most gaps are), and the number of periods in the whole window is the
; window divided by that median, rounded. Registers A and B are restored afterwards.
tsc_khz_from_rtc:
  push rbx
  push r12
  push r13
  push r14
  mov edi, RTC_REG_A
  call rtc_read
  mov r12d, eax                         ; R12: register A
  mov edi, RTC_REG_B
  call rtc_read
  mov r13d, eax                         ; R13: register B
  xor r14d, r14d                        ; R14: the result
  cmp r12d, 0xFF
  je .done                              ; no RTC: the bus floats high
  mov edi, RTC_REG_A
  mov esi, RTC_A_1024HZ
  call rtc_write
  mov edi, RTC_REG_B
  mov esi, r13d
  or esi, RTC_B_PIE
  call rtc_write
  mov edi, RTC_REG_C
  call rtc_read                         ; reading C clears the flags
  mov ebx, CALIBRATE_POLLS
  call rtc_wait_period                  ; start on a flag
  test eax, eax
  jz .restore
  xor r8d, r8d
.flag:
  push r8
  call rtc_wait_period
  pop r8
  test eax, eax
  jz .restore
  call tsc_read
  mov [rtc_flag_tsc + r8 * 8], rax
  inc r8d
  cmp r8d, RTC_FLAGS
  jb .flag
  call rtc_median_gap
  test rax, rax
  jz .restore
  mov rcx, rax                          ; RCX: one period in TSC ticks
  mov rax, [rtc_flag_tsc + (RTC_FLAGS - 1) * 8]
  sub rax, [rtc_flag_tsc]
  mov r8, rax                           ; R8: the window in TSC ticks
  shr rcx, 1
  add rax, rcx
  shl rcx, 1
  xor edx, edx
  div rcx                               ; periods in the window, rounded
  test rax, rax
  jz .restore
  mov rcx, rax
  mov rax, r8
  imul rax, rax, 1024                   ; ticks per second = window * 1024 / periods
  xor edx, edx
  div rcx
  xor edx, edx
  mov ecx, 1000
  div rcx
  cmp rax, 1000                         ; below 1 MHz is a broken measurement, not a TSC
  jb .restore
  mov r14, rax
.restore:
  mov edi, RTC_REG_B
  mov esi, r13d
  call rtc_write
  mov edi, RTC_REG_A
  mov esi, r12d
  call rtc_write
  mov edi, RTC_REG_C
  call rtc_read
.done:
  mov rax, r14
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; rtc_median_gap — RAX = the median of the gaps between consecutive rtc_flag_tsc entries (sorted in
; place in rtc_gaps by insertion: RTC_FLAGS is small).
rtc_median_gap:
  xor ecx, ecx
.gap:
  mov rax, [rtc_flag_tsc + rcx * 8 + 8]
  sub rax, [rtc_flag_tsc + rcx * 8]
  ; insert RAX into rtc_gaps[0..rcx)
  mov edx, ecx
.shift:
  test edx, edx
  jz .place
  cmp [rtc_gaps + rdx * 8 - 8], rax
  jbe .place
  mov r8, [rtc_gaps + rdx * 8 - 8]
  mov [rtc_gaps + rdx * 8], r8
  dec edx
  jmp .shift
.place:
  mov [rtc_gaps + rdx * 8], rax
  inc ecx
  cmp ecx, RTC_FLAGS - 1
  jb .gap
  mov rax, [rtc_gaps + (RTC_FLAGS - 1) / 2 * 8]
  ret

; rtc_wait_period — polls register C until the periodic flag is set, at most EBX polls in all (EBX
; counts down across calls). EAX = 1 when the flag came, 0 when the polls ran out.
rtc_wait_period:
.poll:
  mov edi, RTC_REG_C
  call rtc_read
  test eax, RTC_C_PF
  jnz .seen
  dec ebx
  jnz .poll
  xor eax, eax
  ret
.seen:
  mov eax, 1
  ret

; rtc_read — EAX = CMOS register EDI. Clobbers RDX.
rtc_read:
  mov eax, edi
  out RTC_INDEX, al
  xor eax, eax
  in al, RTC_DATA
  ret

; rtc_write — CMOS register EDI := SIL. Clobbers RAX.
rtc_write:
  mov eax, edi
  out RTC_INDEX, al
  mov eax, esi
  out RTC_DATA, al
  ret

; timer_init — BSP: picks the timer mode and measures the LAPIC timer against the TSC, then unmasks
; the BSP's timer. Prints "toro: timer tsc-deadline" or "toro: timer lapic <kHz> kHz".
timer_init:
  ; LAPIC timer rate: let it count down from the top, and read it twice LAPIC_CALIBRATE_US apart with
  ; the TSC read right after each read (the first access to new code can be slow under TCG).
  push r12
  push r13
  push r14
  mov edi, APIC_REG_TIMER_INIT
  mov esi, 0xFFFFFFFF
  call apic_write
  mov edi, APIC_REG_TIMER_CUR
  call apic_read
  mov r12d, eax                         ; R12: first count
  call tsc_read
  mov r13, rax                          ; R13: TSC at the first count
  mov edi, LAPIC_CALIBRATE_US
  call tsc_delay_us
  mov edi, APIC_REG_TIMER_CUR
  call apic_read
  mov r14d, eax
  call tsc_read
  sub rax, r13
  mov rcx, rax                          ; RCX: TSC ticks between the reads
  mov eax, r12d
  sub eax, r14d                         ; LAPIC ticks between the reads
  mul qword [tsc_khz]                   ; LAPIC kHz = lapic ticks * TSC kHz / TSC ticks
  div rcx
  mov [lapic_khz], rax
  pop r14
  pop r13
  pop r12
  mov edi, APIC_REG_TIMER_INIT
  xor esi, esi
  call apic_write

  mov eax, 1
  cpuid
  test ecx, CPUID_1_ECX_TSC_DEADLINE
  jz .oneshot
  ; CPUID may promise TSC-deadline mode to an APIC model that lacks it: prove an interrupt arrives.
  mov byte [timer_tsc_deadline], 1
  call apic_timer_enable
  mov dword [timer_probe_irqs], 0
  call clock_ns
  lea rdi, [rax + 1000000]
  call ns_to_tsc
  mov rdx, rax
  shr rdx, 32
  mov ecx, MSR_TSC_DEADLINE
  wrmsr
  sti
  mov edi, 50000
  call tsc_delay_us
  cli
  cmp dword [timer_probe_irqs], 0
  jne .report
  mov byte [timer_tsc_deadline], 0
  xor eax, eax
  xor edx, edx
  mov ecx, MSR_TSC_DEADLINE
  wrmsr
.oneshot:
  call apic_timer_enable
.report:
  mov rdi, msg_timer
  call print_str
  cmp byte [timer_tsc_deadline], 0
  je .lapic
  mov rdi, msg_timer_deadline
  jmp print_str
.lapic:
  mov rdi, msg_timer_lapic
  call print_str
  mov rdi, [lapic_khz]
  call print_dec
  mov rdi, msg_tsc_khz
  call print_str
  mov rdi, str_src_tsc
  call print_str
  mov rdi, msg_close_paren
  jmp print_str

section .rodata
key_tsc_khz:        db "tsc_khz", 0
msg_tsc:            db "toro: tsc ", 0
msg_tsc_khz:        db " kHz (", 0
msg_close_paren:    db ")", 13, 10, 0
msg_timer:          db "toro: timer ", 0
msg_timer_deadline: db "tsc-deadline", 13, 10, 0
msg_timer_lapic:    db "lapic ", 0
str_src_cmdline:    db "cmdline", 0
str_src_cpuid15:    db "cpuid-15h", 0
str_src_cpuid16:    db "cpuid-16h", 0
str_src_hypervisor: db "hypervisor", 0
str_src_pm_timer:   db "pm-timer", 0
str_src_rtc:        db "rtc", 0
str_src_fallback:   db "fallback", 0
str_src_tsc:        db "tsc", 0

section .data
align 8
tsc_base:    dq 0                       ; TSC at clock_ns() = 0
tsc_khz:     dq TSC_FALLBACK_KHZ
tsc_ns_mult: dq 0                       ; 0 until time_init: clock_ns() reads 0
lapic_khz:   dq 0                       ; LAPIC timer ticks per ms (after its divide-by-16)
timer_probe_irqs:   dd 0                ; timer interrupts seen (irq_timer counts them)
timer_tsc_deadline: db 0                ; 1: timer_arm writes IA32_TSC_DEADLINE

section .bss
alignb 8
rtc_flag_tsc: resq RTC_FLAGS            ; TSC at each RTC flag (tsc_khz_from_rtc)
rtc_gaps:     resq RTC_FLAGS
