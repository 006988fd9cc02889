/**
 * Every CPU an isolate (asm/isolate.asm): in a service image each CPU but CPU 0 runs on page tables of its
 * own in which the service's .data (linked as .svcdata) is a private copy at the same addresses.
 *
 * The service here is a small hand-written object, assembled with the toolchain's assembler, in place of
 * the compiled runtime. CPU 0 reads the .data words `value` (at the window's start) and `value_hi` (at
 * its end, past a filler that can make the window span several 2 MiB page tables), overwrites them,
 * then starts a thread on every other CPU; each CPU (CPU 0 too) notes what it sees first, writes its own
 * cpu id into both words, waits until every CPU has written, and reads them back. The notes live in a
 * page from toro_page_alloc — memory outside the window, which every CPU shares — and CPU 0 prints them:
 *
 *   isolate cpu=<id> first=<value> first_hi=<value_hi> final=<value> final_hi=<value_hi>   (hex)
 *
 * An AP's first reading is the image's initial value (CPU 0's earlier write stays CPU 0's), and every
 * CPU reads back its own id although all of them wrote the same addresses.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { assemble, formatDiagnostic } from '../../toolchain/src/asm/index.js';
import { BuildError } from '../../toolchain/src/build/errors.js';
import { buildBootImage } from '../../toolchain/src/build/index.js';
import type { LinkedImage } from '../../toolchain/src/link/image.js';
import type { ObjectFile } from '../../toolchain/src/obj/object.js';
import { parseFaultReport } from '../../toolchain/src/vm/fault-report.js';
import type { Machine } from '../../toolchain/src/vm/index.js';
import { bootAndCollect } from '../../toolchain/src/vm/testing.js';
import { kernelBuildInput } from '../src/index.js';

const INITIAL = 0x5eedn;
const CPU0_WRITE = 0xb0b0n;

/** The isolation service; `filler` bytes of .data lie between `value` and `value_hi`. */
function isolateSource(filler: number): string {
  return `
bits 64
default rel
global toro_service_main, toro_service_ap
extern toro_console_write, toro_thread_create_on, toro_cpu_count, toro_cpu_id, toro_thread_sleep
extern toro_exit, toro_page_alloc, toro_msg_flush

SLOT     equ 64            ; per CPU in the shared page: +0 written, +8 first, +16 first_hi, +24 final,
                           ; +32 final_hi, +40 done; the CPU count is at +0 of the page, slots from +64
POLL_NS  equ 200000

section .text
toro_service_ap:           ; every AP's service thread (cpu_main.asm): nothing to do here, it ends
  ret
toro_service_main:
  mov edi, 1
  call toro_page_alloc
  test rax, rax
  jz .fail
  mov rbx, rax             ; RBX: the shared page, zeroed here
  mov rdi, rbx
  xor eax, eax
  mov ecx, 512
  rep stosq
  call toro_cpu_count
  mov r12d, eax            ; R12: CPUs
  mov [rbx], r12
  mov qword [value], ${CPU0_WRITE}     ; CPU 0 writes before any other CPU runs service code
  mov qword [value_hi], ${CPU0_WRITE}
  mov r13d, 1
.create:
  cmp r13d, r12d
  jae .own
  mov edi, r13d
  lea rsi, [worker]
  mov rdx, rbx
  call toro_thread_create_on
  test eax, eax
  jnz .fail
  inc r13d
  jmp .create
.own:
  call toro_msg_flush
  mov rdi, rbx
  call worker
  xor r13d, r13d           ; R13: CPU whose notes to wait for, then print
.wait_done:
  cmp r13d, r12d
  jae .print
  mov rax, r13
  shl rax, 6
  cmp qword [rbx + SLOT + rax + 40], 0
  jne .next_done
  mov edi, POLL_NS
  call toro_thread_sleep
  jmp .wait_done
.next_done:
  inc r13d
  jmp .wait_done
.print:
  xor r13d, r13d
.line:
  cmp r13d, r12d
  jae .exit
  mov rax, r13
  shl rax, 6
  lea r14, [rbx + SLOT + rax]
  lea rdi, [line]
  lea rsi, [t_cpu]
  call put_str
  mov rsi, r13
  call put_hex
  lea rsi, [t_first]
  call put_str
  mov rsi, [r14 + 8]
  call put_hex
  lea rsi, [t_first_hi]
  call put_str
  mov rsi, [r14 + 16]
  call put_hex
  lea rsi, [t_final]
  call put_str
  mov rsi, [r14 + 24]
  call put_hex
  lea rsi, [t_final_hi]
  call put_str
  mov rsi, [r14 + 32]
  call put_hex
  mov byte [rdi], 10
  inc rdi
  lea rsi, [line]
  sub rdi, rsi
  mov rsi, rdi
  lea rdi, [line]
  call toro_console_write
  inc r13d
  jmp .line
.exit:
  xor edi, edi
  call toro_exit
.fail:
  mov edi, 99
  call toro_exit

; worker(rdi = shared page): the same on every CPU.
worker:
  push rbx
  push r12
  push r13
  mov rbx, rdi
  call toro_cpu_id
  mov r13d, eax            ; R13: this CPU
  mov r12, r13
  shl r12, 6
  lea r12, [rbx + SLOT + r12]
  mov rax, [value]
  mov [r12 + 8], rax
  mov rax, [value_hi]
  mov [r12 + 16], rax
  mov [value], r13
  mov [value_hi], r13
  mov qword [r12], 1       ; written: x86 keeps the stores above before this one
.all:
  xor ecx, ecx
.check:
  cmp rcx, [rbx]
  jae .read_back
  mov rax, rcx
  shl rax, 6
  inc rcx
  cmp qword [rbx + SLOT + rax], 0
  jne .check
  mov edi, POLL_NS
  call toro_thread_sleep
  jmp .all
.read_back:                ; every CPU has written both words by now
  mov rax, [value]
  mov [r12 + 24], rax
  mov rax, [value_hi]
  mov [r12 + 32], rax
  mov qword [r12 + 40], 1
  pop r13
  pop r12
  pop rbx
  xor eax, eax
  ret

; put_str: copies the NUL-terminated string at rsi to rdi; rdi = past the copy.
put_str:
  mov al, [rsi]
  test al, al
  jz .done
  mov [rdi], al
  inc rdi
  inc rsi
  jmp put_str
.done:
  ret

; put_hex: rsi as 16 hex digits at rdi; rdi = past them.
put_hex:
  mov ecx, 16
.digit:
  rol rsi, 4
  mov eax, esi
  and eax, 15
  add eax, '0'
  cmp eax, '9'
  jbe .store
  add eax, 'a' - '9' - 1
.store:
  mov [rdi], al
  inc rdi
  dec ecx
  jnz .digit
  ret

section .rodata
t_cpu:      db "isolate cpu=", 0
t_first:    db " first=", 0
t_first_hi: db " first_hi=", 0
t_final:    db " final=", 0
t_final_hi: db " final_hi=", 0

section .data
align 8
value:    dq ${INITIAL}
line:     times 160 db 0
          times ${filler} db 0
value_hi: dq ${INITIAL}
`;
}

/** A thread on the last CPU recurses without end; CPU 0 sleeps meanwhile. */
const overflowSource = `
bits 64
default rel
global toro_service_main, toro_service_ap, overflow_recurse
extern toro_thread_create_on, toro_cpu_count, toro_thread_sleep, toro_msg_flush

section .text
toro_service_ap:
  ret
toro_service_main:
  call toro_cpu_count
  lea edi, [eax - 1]
  lea rsi, [overflow_thread]
  xor edx, edx
  call toro_thread_create_on
  call toro_msg_flush
.sleep:
  mov edi, 1000000000
  call toro_thread_sleep
  jmp .sleep

overflow_thread:
  mov [depth], rsp         ; .data: this CPU's copy
overflow_recurse:
  push rbp
  mov rbp, rsp
  sub rsp, 64
  call overflow_recurse

section .data
align 8
depth: dq 0
`;

function assembled(source: string, file: string): ObjectFile {
  const { object, diagnostics } = assemble(source, { file });
  if (diagnostics.length > 0) throw new Error(diagnostics.map((d) => formatDiagnostic(d)).join('\n'));
  return object;
}

interface Built {
  path: string;
  image: LinkedImage;
}

let dir: string;
let small: Built;
let spanning: Built;
let overflow: Built;

async function build(name: string, service: ObjectFile): Promise<Built> {
  const built = await buildBootImage({ kernel: kernelBuildInput, service: [service] });
  const path = join(dir, `${name}.elf`);
  await writeFile(path, built.elf);
  return { path, image: built.image };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-isolates-'));
  small = await build('small', assembled(isolateSource(0), 'isolate.asm'));
  // 8 MiB between the two words: the window spans at least four 2 MiB regions (a private table each)
  spanning = await build('spanning', assembled(isolateSource(8 << 20), 'isolate-spanning.asm'));
  overflow = await build('overflow', assembled(overflowSource, 'overflow.asm'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const symbol = (b: Built, name: string): bigint => {
  const s = b.image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.address;
};

test('the service .data is linked as .svcdata: whole pages between .data and .bss, RW, the window', () => {
  for (const b of [small, spanning]) {
    const names = b.image.sections.map((s) => s.name);
    expect(names).toEqual(['.text', '.rodata', '.data', '.svcdata', '.bss']);
    const svc = b.image.sections[3];
    expect(svc.flags).toEqual({ write: true, exec: false });
    expect(svc.address % 4096n).toBe(0n);
    expect(b.image.sections[4].address % 4096n).toBe(0n);
    const start = symbol(b, 'svc_data_start');
    const end = symbol(b, 'svc_data_end');
    expect(start).toBe(svc.address);
    expect(end).toBe(svc.address + BigInt(svc.size));
    expect(end % 4096n).toBe(0n);
    expect(end).toBeLessThanOrEqual(b.image.sections[4].address);
    for (const v of ['value', 'value_hi']) {
      expect(symbol(b, v) >= start && symbol(b, v) < end, v).toBe(true);
    }
  }
  expect(symbol(spanning, 'value_hi') - symbol(spanning, 'value')).toBeGreaterThan(8n << 20n);
});

test('a service object with a .bss (or another writable section) is refused', async () => {
  const withBss = assembled(
    'bits 64\nglobal toro_service_main, toro_service_ap\nsection .text\ntoro_service_main:\ntoro_service_ap: ret\nsection .bss\ncounter: resq 1\n',
    'bss.asm',
  );
  const build = buildBootImage({ kernel: kernelBuildInput, service: [withBss] });
  await expect(build).rejects.toThrow(BuildError);
  await expect(build).rejects.toThrow(/bss\.asm has writable section\(s\) \.bss/);
});

interface Note {
  cpu: number;
  first: bigint;
  firstHi: bigint;
  final: bigint;
  finalHi: bigint;
}

async function runIsolates(
  b: Built,
  machine: Machine,
  cpus: number,
  memory: string,
  extraArgs: string[] = [],
) {
  const run = await bootAndCollect({
    image: b.path,
    accel: 'tcg',
    machine,
    cpus,
    memory,
    extraArgs,
    timeoutMs: 60_000,
  });
  const lines = run.lines.map((l) => l.replace(/\r$/, ''));
  const notes: Note[] = [];
  for (const line of lines) {
    const m = /^isolate cpu=(\w+) first=(\w+) first_hi=(\w+) final=(\w+) final_hi=(\w+)$/.exec(line);
    if (!m) continue;
    const [cpu, first, firstHi, final, finalHi] = m.slice(1).map((h) => BigInt(`0x${h}`));
    notes.push({ cpu: Number(cpu), first, firstHi, final, finalHi });
  }
  return { lines, notes, exitCode: run.exit.code };
}

const twoNodes = [
  '-object',
  'memory-backend-ram,id=m0,size=128M',
  '-numa',
  'node,nodeid=0,cpus=0-1,memdev=m0',
  '-object',
  'memory-backend-ram,id=m1,size=128M',
  '-numa',
  'node,nodeid=1,cpus=2-3,memdev=m1',
];

test.each([
  ['microvm', 1, 'one node', []],
  ['microvm', 2, 'one node', []],
  ['microvm', 4, 'one node', []],
  ['q35', 2, 'one node', []],
  ['q35', 4, 'two NUMA nodes', twoNodes],
] as const)('on %s with %i CPUs in %s each CPU sees its own .data', async (machine, cpus, _nodes, numa) => {
  const run = await runIsolates(small, machine, cpus, numa.length > 0 ? '256M' : '128M', [...numa]);
  expect(run.exitCode, run.lines.join('\n')).toBe(0);
  expect(run.notes.map((n) => n.cpu)).toEqual([...Array(cpus).keys()]);
  for (const n of run.notes) {
    const first = n.cpu === 0 ? CPU0_WRITE : INITIAL;
    expect(n.first, `cpu ${n.cpu} first`).toBe(first);
    expect(n.firstHi, `cpu ${n.cpu} first_hi`).toBe(first);
    expect(n.final, `cpu ${n.cpu} final`).toBe(BigInt(n.cpu));
    expect(n.finalHi, `cpu ${n.cpu} final_hi`).toBe(BigInt(n.cpu));
  }
});

test('a window spanning several 2 MiB page tables is private too (q35, 4 CPUs)', async () => {
  const run = await runIsolates(spanning, 'q35', 4, '256M');
  expect(run.exitCode, run.lines.join('\n')).toBe(0);
  expect(run.notes).toHaveLength(4);
  for (const n of run.notes) {
    const first = n.cpu === 0 ? CPU0_WRITE : INITIAL;
    expect([n.first, n.firstHi, n.final, n.finalHi]).toEqual([first, first, BigInt(n.cpu), BigInt(n.cpu)]);
  }
});

test('an AP without memory for its copy stops the boot with a clear error and exit code 73', async () => {
  // 8 MiB of data per AP, but each of 4 CPUs in 32 MiB owns less than 6 MiB
  const run = await runIsolates(spanning, 'microvm', 4, '32M');
  const errors = run.lines.filter((l) => l.startsWith('toro: error:'));
  expect(errors, run.lines.join('\n')).toHaveLength(1);
  expect(errors[0]).toMatch(/^toro: error: cpu [123] cannot copy the service's data: no memory$/);
  expect(run.notes).toEqual([]);
  expect(run.exitCode).toBe(73);
});

test.each([
  ['microvm', 2],
  ['q35', 4],
] as const)(
  'a thread stack overflow on an AP (%s, %i CPUs) is reported as a stack overflow',
  async (machine, cpus) => {
    const run = await bootAndCollect({
      image: overflow.path,
      accel: 'tcg',
      machine,
      cpus,
      memory: '128M',
      timeoutMs: 60_000,
    });
    const lines = run.lines.map((l) => l.replace(/\r$/, ''));
    const begin = lines.indexOf('toro: fault begin');
    const end = lines.indexOf('toro: fault end');
    expect(begin, lines.join('\n')).toBeGreaterThan(0);
    const report = parseFaultReport(lines.slice(begin, end + 1));
    expect(report.cpu).toBe(cpus - 1);
    expect(report.name).toBe('#PF');
    expect(report.kind).toBe('stack-overflow');
    const recurse = symbol(overflow, 'overflow_recurse');
    expect(report.frames[0] >= recurse && report.frames[0] < recurse + 16n).toBe(true);
    expect(run.exit.code).toBe(70);
  },
);
