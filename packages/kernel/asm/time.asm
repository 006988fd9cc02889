; time.asm — the TSC rate, the monotonic clock in ns, and each CPU's one-shot timer.
;
; The TSC rate comes from the first of these that answers (time_init; the banner says which):
;   cmdline     `tsc_khz=<n>` on the command line (toro run may pass the rate it knows)
;   cpuid-15h   CPUID leaf 0x15: crystal frequency x TSC/crystal ratio
;   cpuid-16h   CPUID leaf 0x16: processor base frequency
;   hypervisor  CPUID leaf 0x40000010 (VMware/KVM convention): TSC kHz
;   pm-timer    calibrated against the ACPI PM timer (3.579545 MHz; q35 has one, microvm does not)
;   pit         calibrated against the 8254 PIT's channel 2 (microvm has one under TCG, unless pit=off)
;   rtc         calibrated over one second of the CMOS RTC (its seconds register, polled)
;   fallback    none of these worked: 1 GHz is assumed, and the banner says so
; Every wait here is bounded by a count of polls, so a missing or frozen reference makes time_init fall
; through to the next source instead of hanging. Readable counters (PM timer, PIT) are preferred to the
; RTC's event flag: a counter read is bracketed by two TSC reads, so a vCPU descheduled by a loaded
; host (TCG on two cores) spoils only the window it happens in, which is then measured again; an event
; seen late, as the RTC's flag is then, cannot be told from one that came late.
; The TSC is taken to be invariant and synchronised across CPUs (true of QEMU, TCG and KVM alike).
;
; The timer: TSC-deadline mode when CPUID has it and a probe interrupt really arrives, else the LAPIC
; timer in one-shot mode at a rate measured against the TSC. Its interrupt (irq_timer, idt.asm) calls
; timer_tick once the armed deadline has passed.
; Routines: System V convention (kernel.asm) unless a header says fewer registers are touched.

PM_TIMER_HZ       equ 3579545
PM_TIMER_MASK     equ 0xFFFFFF          ; 24 bits is the width every PM timer has
PM_TIMER_WINDOW   equ PM_TIMER_HZ / 32  ; 31 ms of PM timer ticks
PIT_HZ            equ 1193182
PIT_MASK          equ 0xFFFF
PIT_WINDOW        equ 0x8000                ; 27 ms: half the counter's wrap
PIT_CH2_DATA      equ 0x42
PIT_COMMAND       equ 0x43
PIT_CH2_MODE2     equ 0xB4              ; channel 2, low then high byte, mode 2 (rate generator), binary
PIT_CH2_LATCH     equ 0x80              ; counter latch command for channel 2
PIT_SPEAKER_PORT  equ 0x61
PIT_GATE2         equ 1 << 0
PIT_SPEAKER_DATA  equ 1 << 1
CALIBRATE_TRIES   equ 6
PIT_PROBE_POLLS   equ 100000            ; a PIT at 1.19 MHz moves between two of these reads
RTC_INDEX         equ 0x70
RTC_DATA          equ 0x71
RTC_REG_SECONDS   equ 0x00
RTC_REG_B         equ 0x0B
RTC_B_24H         equ 1 << 1
RTC_B_BINARY      equ 1 << 2
RTC_HOUR_FIELD    equ 3                 ; index of the hour in rtc_field_regs
RTC_REG_A         equ 0x0A
RTC_A_UIP         equ 1 << 7            ; update in progress
RTC_POLLS         equ 5000000           ; reads of the seconds register before giving up on an edge
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
  call tsc_khz_from_pit
  mov rbx, str_src_pit
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
  call wall_init
  pop rbx
  ret

; wall_clock_ns — RAX = nanoseconds since 1970-01-01 00:00:00 UTC (from the CMOS RTC at boot, to the
; second, then advanced by clock_ns); 0 when the machine has no RTC. Clobbers RDX.
wall_clock_ns:
  mov rax, [wall_boot_ns]
  test rax, rax
  jz .done
  call clock_ns
  add rax, [wall_boot_ns]
.done:
  ret

; wall_init — reads the RTC's date and time once (UTC, as QEMU's RTC keeps it by default), sets
; wall_boot_ns, prints "toro: wall <Unix seconds> (rtc)" or "toro: wall none".
wall_init:
  push rbx
  mov edi, RTC_REG_A
  call rtc_read
  cmp eax, 0xFF
  je .none
  call rtc_century_init
  call rtc_unix_seconds
  test rax, rax
  jz .none
  mov rbx, rax
  imul rax, rax, 1000000000
  mov rcx, rax
  call clock_ns
  sub rcx, rax
  mov [wall_boot_ns], rcx
  mov rdi, msg_wall
  call print_str
  mov rdi, rbx
  call print_dec
  mov rdi, msg_wall_rtc
  call print_str
  pop rbx
  ret
.none:
  mov rdi, msg_wall_none
  call print_str
  pop rbx
  ret

; rtc_century_init — rtc_century := the century register the FADT names (BCD or binary as register B
; says), or 20 when there is none.
rtc_century_init:
  push r12
  mov byte [rtc_century], 20
  mov edi, 'FACP'
  call acpi_find_table
  test rax, rax
  jz .done
  cmp dword [rax + acpi_sdt.length], acpi_fadt.century + 1
  jb .done
  movzx edi, byte [rax + acpi_fadt.century]
  test edi, edi
  jz .done
  push rdi
  mov edi, RTC_REG_B
  call rtc_read
  mov r12d, eax
  pop rdi
  call rtc_read
  call rtc_to_binary
  cmp eax, 19
  jb .done
  mov [rtc_century], al
.done:
  pop r12
  ret

; rtc_unix_seconds — RAX = the RTC's date and time as Unix seconds; 0 if two reads in a row never agree
; (the fields are read outside update cycles, twice, until both reads are the same).
rtc_unix_seconds:
  push rbx
  push r12
  mov r12d, RTC_POLLS
.again:
  call rtc_fields
  mov rbx, rax
  call rtc_fields
  cmp rax, rbx
  je .stable
  dec r12d
  jnz .again
  xor eax, eax
  jmp .done
.stable:
  ; Days since 1970-01-01 by the days-from-civil formula, with years starting in March so that the
  ; leap day comes last: doy = (153 * (month - 3 mod 12) + 2) / 5 + day - 1, then whole 400-year eras.
  movzx r8d, byte [rtc_century]
  imul r8d, r8d, 100
  mov rax, rbx
  shr rax, 40
  movzx eax, al
  add r8d, eax                          ; R8: year
  mov rax, rbx
  shr rax, 32
  movzx r9d, al                         ; R9: month
  mov eax, ebx
  shr eax, 24
  movzx r10d, al                        ; R10: day
  cmp r9d, 2
  ja .march
  dec r8d
  add r9d, 9
  jmp .day_of_year
.march:
  sub r9d, 3
.day_of_year:
  imul eax, r9d, 153
  add eax, 2
  xor edx, edx
  mov ecx, 5
  div ecx
  lea r11d, [eax + r10d - 1]            ; R11: day of the March-based year
  mov eax, r8d
  xor edx, edx
  mov ecx, 400
  div ecx                               ; EAX: era, EDX: year of the era
  imul r10d, eax, 146097                ; R10: days in the eras before
  mov r9d, edx
  imul ecx, r9d, 365
  mov eax, r9d
  shr eax, 2
  add ecx, eax
  mov eax, r9d
  xor edx, edx
  mov r8d, 100
  div r8d
  sub ecx, eax                          ; ECX: days in the era's years before
  add ecx, r11d
  add ecx, r10d
  sub ecx, 719468                       ; from 0000-03-01 to 1970-01-01
  mov eax, ecx
  imul rax, rax, 86400
  mov ecx, ebx
  shr ecx, 16
  movzx ecx, cl
  imul ecx, ecx, 3600
  add rax, rcx
  movzx ecx, bh
  imul ecx, ecx, 60
  add rax, rcx
  movzx ecx, bl
  add rax, rcx
.done:
  pop r12
  pop rbx
  ret

; rtc_fields — RAX = second | minute << 8 | hour << 16 | day << 24 | month << 32 | year << 40 (two
; digits), in binary and 24-hour time whatever format register B says the RTC keeps.
rtc_fields:
  push rbx
  push r12
  push r13
  call rtc_wait_update
  mov edi, RTC_REG_B
  call rtc_read
  mov r12d, eax                         ; R12: the format
  xor ebx, ebx
  xor r13d, r13d
.field:
  movzx edi, byte [rtc_field_regs + r13]
  call rtc_read
  cmp r13d, RTC_HOUR_FIELD
  jne .plain
  test r12d, RTC_B_24H
  jnz .plain
  ; 12-hour clock: bit 7 is PM, and 12 means the hour after midnight or noon.
  mov r8d, eax
  and eax, 0x7F
  call rtc_to_binary
  cmp eax, 12
  jne .pm
  xor eax, eax
.pm:
  test r8d, 0x80
  jz .store
  add eax, 12
  jmp .store
.plain:
  call rtc_to_binary
.store:
  shl rbx, 8
  or bl, al
  inc r13d
  cmp r13d, 6
  jb .field
  mov rax, rbx
  pop r13
  pop r12
  pop rbx
  ret

; rtc_to_binary — EAX := EAX converted from BCD unless R12 (register B) says the RTC counts in binary.
rtc_to_binary:
  test r12d, RTC_B_BINARY
  jnz .done
  mov edx, eax
  shr edx, 4
  and eax, 0xF
  imul edx, edx, 10
  add eax, edx
.done:
  ret

; rtc_wait_update — returns once register A's update-in-progress bit is clear (bounded).
rtc_wait_update:
  mov ecx, RTC_POLLS
.poll:
  push rcx
  mov edi, RTC_REG_A
  call rtc_read
  pop rcx
  test eax, RTC_A_UIP
  jz .done
  dec ecx
  jnz .poll
.done:
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

; tsc_khz_from_pm_timer — RAX = TSC kHz measured against the ACPI PM timer (3.579545 MHz, 24 bits),
; 0 without one.
tsc_khz_from_pm_timer:
  call pm_timer_port
  test eax, eax
  jz .none
  mov [pm_timer_io], eax
  mov rdi, pm_timer_read
  mov esi, PM_TIMER_MASK
  mov edx, PM_TIMER_WINDOW
  mov ecx, PM_TIMER_HZ
  jmp calibrate_agreed
.none:
  ret

; pm_timer_read — EAX = the PM timer. Clobbers RDX only.
pm_timer_read:
  mov edx, [pm_timer_io]
  in eax, dx
  ret

; tsc_khz_from_pit — RAX = TSC kHz measured against the 8254 PIT's channel 2 (1.193182 MHz, 16 bits),
; 0 when there is no PIT (QEMU microvm has one under TCG unless started with pit=off). Channel 2 is
; the speaker's channel: nothing else uses it. Its counter is read, so no interrupt or port 0x61
; status bit is needed.
tsc_khz_from_pit:
  in al, PIT_SPEAKER_PORT
  and al, ~PIT_SPEAKER_DATA
  or al, PIT_GATE2                      ; a real 8254 counts only with the gate high
  out PIT_SPEAKER_PORT, al
  mov al, PIT_CH2_MODE2
  out PIT_COMMAND, al
  xor eax, eax                          ; count 0 = 65536: a rate generator that wraps every 54.9 ms
  out PIT_CH2_DATA, al
  out PIT_CH2_DATA, al
  ; A missing PIT reads 0xFFFF forever: the counter must move.
  call pit_read
  mov esi, eax
  mov ecx, PIT_PROBE_POLLS
.moving:
  call pit_read
  cmp eax, esi
  jne .present
  dec ecx
  jnz .moving
  xor eax, eax
  ret
.present:
  mov rdi, pit_read
  mov esi, PIT_MASK
  mov edx, PIT_WINDOW
  mov ecx, PIT_HZ
  jmp calibrate_agreed

; pit_read — EAX = PIT channel 2's count, turned into a count that goes up (the 8254 counts down).
; Clobbers RDX only.
pit_read:
  mov al, PIT_CH2_LATCH
  out PIT_COMMAND, al
  in al, PIT_CH2_DATA
  mov dl, al
  in al, PIT_CH2_DATA
  mov ah, al
  mov al, dl
  not eax
  and eax, PIT_MASK
  ret

; calibrate_agreed — RAX = TSC kHz against the counter read by RDI (mask ESI, window EDX ticks, ECX Hz;
; see calibrate_counter), accepted only when two windows in a row agree within 1/200; 0 after
; CALIBRATE_TRIES windows without such a pair. A host that deschedules the vCPU for longer than the
; counter takes to wrap could fake one window, but not two that agree.
calibrate_agreed:
  push rbx
  push r12
  push r13
  push r14
  push r15
  push rbp
  mov rbx, rdi
  mov r12d, esi
  mov r13d, edx
  mov r14d, ecx
  xor r15d, r15d                        ; R15: the previous window's result
  mov ebp, CALIBRATE_TRIES
.window:
  mov rdi, rbx
  mov esi, r12d
  mov edx, r13d
  mov ecx, r14d
  call calibrate_counter
  test rax, rax
  jz .next
  mov rcx, rax
  sub rcx, r15
  jae .diff
  neg rcx
.diff:
  imul rcx, rcx, 200
  cmp rcx, rax
  jb .done                              ; |this - previous| < this / 200
  mov r15, rax
.next:
  dec ebp
  jnz .window
  xor eax, eax
.done:
  pop rbp
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; calibrate_counter — RAX = TSC kHz from one window of at least EDX ticks of the free-running counter
; read by the routine at RDI (EAX = count, going up, ESI = its mask; clobbers only RAX and RDX), which
; runs at ECX Hz. Each end of the window is a counter read bracketed by two TSC reads; if either
; bracket is longer than 1/1000 of the window (the vCPU was descheduled at the wrong moment), or the
; counter never gets there within CALIBRATE_POLLS reads, RAX = 0.
calibrate_counter:
  push rbx
  push r12
  push r13
  push r14
  push r15
  push rbp
  mov rbx, rdi                          ; RBX: reader
  mov r12d, esi                         ; R12: mask
  mov r13d, edx                         ; R13: window
  mov ebp, ecx                          ; RBP: Hz
  call counter_sample
  mov r14d, eax                         ; R14: count at the start
  mov r15, rdx                          ; R15: TSC at the start
  mov r10, rcx                          ; R10: start bracket
  mov r11d, CALIBRATE_POLLS
.poll:
  call counter_sample
  sub eax, r14d
  and eax, r12d                         ; ticks elapsed, modulo the counter's width
  cmp eax, r13d
  jae .ended
  dec r11d
  jnz .poll
  jmp .fail
.ended:
  mov esi, eax                          ; counter ticks
  sub rdx, r15                          ; TSC ticks
  add rcx, r10                          ; both brackets
  imul rcx, rcx, 1000
  cmp rcx, rdx
  jae .fail
  mov rax, rdx
  mul rbp                               ; kHz = tsc * Hz / (ticks * 1000)
  imul rsi, rsi, 1000
  div rsi
  jmp .done
.fail:
  xor eax, eax
.done:
  pop rbp
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; counter_sample — EAX = the counter read by the routine at RBX, RDX = the TSC half-way through the
; read, RCX = how long the read took in TSC ticks (the bracket). Clobbers R8, R9.
counter_sample:
  call tsc_read
  mov r8, rax
  call rbx
  mov r9d, eax
  call tsc_read
  mov rcx, rax
  sub rcx, r8
  mov rdx, rcx
  shr rdx, 1
  add rdx, r8
  mov eax, r9d
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

; tsc_khz_from_rtc — RAX = TSC kHz measured over one second of the CMOS RTC, from one change of its
; seconds register to the next; 0 when there is no RTC or it does not tick. Each change is pinned
; between two polls, and the TSC at its midpoint taken. A second whose two changes are pinned to 5 ms
; together (so the result is within 0.25%) is taken at once; on a host so loaded that the vCPU keeps
; being descheduled at the changes, the best of CALIBRATE_TRIES seconds is taken if it is pinned to
; within 10%, better than no measurement. Costs one to CALIBRATE_TRIES + 1 seconds, so it comes after
; the PM timer and the PIT.
tsc_khz_from_rtc:
  push rbx
  push r12
  push r13
  push r14
  push r15
  push rbp
  mov edi, RTC_REG_A
  call rtc_read
  cmp eax, 0xFF
  je .fail                              ; no RTC: the bus floats high
  call rtc_second_edge
  test rdx, rdx
  jz .fail
  mov rbx, rax                          ; RBX: TSC at the window's first change
  mov r12, rdx                          ; R12: its pin
  xor r14d, r14d                        ; R14: best window so far (TSC ticks), 0 = none
  mov r15, -1                           ; R15: its pins, relative: pins * 1000 / window
  mov r13d, CALIBRATE_TRIES
.second:
  call rtc_second_edge
  test rdx, rdx
  jz .best
  mov rcx, rax
  sub rcx, rbx                          ; RCX: TSC ticks in this second
  mov rbx, rax                          ; the next window starts at this change
  lea rax, [r12 + rdx]                  ; both pins
  mov r12, rdx
  imul rax, rax, 1000
  xor edx, edx
  div rcx                               ; RAX: pins, in thousandths of the window
  cmp rax, 5
  jb .take                              ; within 5 ms of a second: good enough
  cmp rax, r15
  jae .next
  mov r15, rax
  mov r14, rcx
.next:
  dec r13d
  jnz .second
.best:
  cmp r15, 100
  jae .fail
  mov rcx, r14
.take:
  mov rax, rcx
  xor edx, edx
  mov ecx, 1000
  div rcx
  jmp .done
.fail:
  xor eax, eax
.done:
  pop rbp
  pop r15
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; rtc_second_edge — waits for the RTC's seconds register to change: RAX = the TSC half-way between the
; last read that saw the old value and the first that saw the new one, RDX = that interval (> 0); RDX
; = 0 when no change came within RTC_POLLS reads.
rtc_second_edge:
  push rbx
  push r12
  push r13
  push r14
  call rtc_seconds
  mov r12d, eax                         ; R12: the old value
  call tsc_read
  mov r13, rax                          ; R13: TSC before the last read of the old value
  mov r14d, RTC_POLLS
.poll:
  call tsc_read
  mov rbx, rax                          ; RBX: TSC before this read
  call rtc_seconds
  cmp eax, r12d
  jne .changed
  mov r13, rbx
  dec r14d
  jnz .poll
  xor edx, edx
  jmp .done
.changed:
  call tsc_read
  mov rdx, rax
  sub rdx, r13                          ; the change happened within [R13, now]
  mov rax, rdx
  shr rax, 1
  add rax, r13
.done:
  pop r14
  pop r13
  pop r12
  pop rbx
  ret

; rtc_seconds — EAX = the RTC's seconds register, read outside an update cycle (while register A's
; update-in-progress bit is set, the time registers may be changing). Clobbers RDX, RDI.
rtc_seconds:
  push rcx
  call rtc_wait_update
  pop rcx
  mov edi, RTC_REG_SECONDS
  jmp rtc_read

; rtc_read — EAX = CMOS register EDI. Clobbers RDX.
rtc_read:
  mov eax, edi
  out RTC_INDEX, al
  xor eax, eax
  in al, RTC_DATA
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
rtc_field_regs:     db 9, 8, 7, 4, 2, 0     ; year, month, day, hour, minute, second (CMOS indexes)
msg_wall:           db "toro: wall ", 0
msg_wall_rtc:       db " (rtc)", 13, 10, 0
msg_wall_none:      db "toro: wall none", 13, 10, 0
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
str_src_pit:        db "pit", 0
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
align 4
pm_timer_io:        dd 0                ; the PM timer's port, for pm_timer_read
align 8
wall_boot_ns:       dq 0                ; Unix time in ns at clock_ns() = 0; 0 = no RTC
rtc_century:        db 20
