/**
 * Runs Debian's NASM on a corpus and reads back what it emitted for each line, plus the helpers that
 * turn corpus values (label-based) into what the front end would hand the encoder.
 *
 * One nasm process per mode, bounded by a timeout and killed by its own pid; the temp folder is removed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixup, Value } from '../../src/obj/value.js';
import type { Bits, Instruction, Operand } from '../../src/x86/index.js';
import type { CorpusLine } from './corpus.js';

export const SECTION = '.text';

export interface NasmLine {
  /** Address of the first byte (for a label line: of the next byte). */
  address: number;
  bytes: number[];
  /** Fields NASM marked as relocated: `[..]` absolute, `(..)` pc-relative (byte offset, size). */
  relocs: Array<{ offset: number; size: number; pcrel: boolean }>;
}

export interface NasmResult {
  lines: NasmLine[];
  labels: Map<string, number>;
  errors: string;
  ok: boolean;
}

/** Source text for a corpus, one corpus entry per line after the `bits` line. */
export function sourceOf(bits: Bits, lines: CorpusLine[]): string {
  return [`bits ${bits}`, ...lines.map((l) => ('label' in l ? `${l.label}:` : l.text))].join('\n');
}

/**
 * Run `nasm -f <format> -l` once; map each corpus entry to its address and bytes from the listing.
 * `header` lines (e.g. `extern ext`) go after the `bits` line, before the corpus.
 */
export function runNasm(
  bits: Bits,
  lines: CorpusLine[],
  timeoutMs = 20_000,
  format = 'bin',
  header: string[] = [],
): NasmResult {
  const dir = mkdtempSync(join(tmpdir(), 'toro-x86-'));
  try {
    const src = join(dir, 'corpus.asm');
    const body = sourceOf(bits, lines).split('\n');
    writeFileSync(src, `${[body[0], ...header, ...body.slice(1)].join('\n')}\n`);
    const run = spawnSync('nasm', ['-f', format, '-l', join(dir, 'out.lst'), '-o', join(dir, 'out.o'), src], {
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
    });
    const errors = `${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
    if (run.status !== 0) return { lines: [], labels: new Map(), errors, ok: false };
    const listing = readFileSync(join(dir, 'out.lst'), 'utf8');
    return { ...parseListing(listing, lines, 2 + header.length), errors, ok: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Listing lines look like `   12 0000001B 8B0425[34120000]    mov eax, [x]`; long byte runs continue on
 * following lines with the same source line number, and relocated fields are bracketed.
 */
function parseListing(
  text: string,
  lines: CorpusLine[],
  firstLine: number,
): { lines: NasmLine[]; labels: Map<string, number> } {
  const bytesBySource = new Map<number, { address: number; hex: string }>();
  for (const raw of text.split('\n')) {
    const m = /^\s*(\d+) ([0-9A-F]{8}) ([0-9A-F[\]()]+)-?(\s|$)/.exec(raw);
    if (!m) continue;
    const src = Number(m[1]);
    const prev = bytesBySource.get(src);
    if (prev) prev.hex += m[3];
    else bytesBySource.set(src, { address: Number.parseInt(m[2], 16), hex: m[3] });
  }
  const out: NasmLine[] = new Array(lines.length);
  const labels = new Map<string, number>();
  let next = Number.POSITIVE_INFINITY;
  // Walk backwards so label lines take the address of the next line that has bytes.
  let end = 0;
  for (const v of bytesBySource.values())
    end = Math.max(end, v.address + v.hex.replace(/[[\]()]/g, '').length / 2);
  next = end;
  for (let i = lines.length - 1; i >= 0; i--) {
    const got = bytesBySource.get(i + firstLine);
    if (got) {
      next = got.address;
      out[i] = { address: got.address, ...decodeField(got.hex) };
    } else out[i] = { address: next, bytes: [], relocs: [] };
    const l = lines[i];
    if ('label' in l) labels.set(l.label, next);
  }
  return { lines: out, labels };
}

/** `8B05(00000000)` → bytes and the bracketed relocation spans. */
function decodeField(field: string): { bytes: number[]; relocs: NasmLine['relocs'] } {
  const bytes: number[] = [];
  const relocs: NasmLine['relocs'] = [];
  let open: { offset: number; pcrel: boolean } | undefined;
  for (let i = 0; i < field.length; ) {
    const c = field[i];
    if (c === '[' || c === '(') {
      open = { offset: bytes.length, pcrel: c === '(' };
      i++;
    } else if (c === ']' || c === ')') {
      if (open) relocs.push({ ...open, size: bytes.length - open.offset });
      open = undefined;
      i++;
    } else {
      bytes.push(Number.parseInt(field.slice(i, i + 2), 16));
      i += 2;
    }
  }
  return { bytes, relocs };
}

function resolveValue(v: Value, labels: Map<string, number>): Value {
  if (v.base === undefined) return v;
  const at = labels.get(v.base);
  if (at === undefined) throw new Error(`label ${v.base} not in corpus`);
  return { addend: v.addend + BigInt(at), base: SECTION, known: true };
}

/** The instruction as the front end would pass it: label values made section-relative. */
export function resolveInstruction(ins: Instruction, labels: Map<string, number>): Instruction {
  const operands = ins.operands.map((o): Operand => {
    if (o.kind === 'imm')
      return {
        ...o,
        value: resolveValue(o.value, labels),
        segment: o.segment && resolveValue(o.segment, labels),
      };
    if (o.kind === 'mem') return { ...o, disp: resolveValue(o.disp, labels) };
    return o;
  });
  return { ...ins, operands };
}

/** Apply fixups as `nasm -f bin` with the section at 0 would: the bytes a reader sees in the binary. */
export function applyFixups(bytes: Uint8Array, fixups: Fixup[], address: number): number[] {
  const out = [...bytes];
  for (const f of fixups) {
    if (f.value.base !== SECTION) throw new Error(`unexpected fixup base ${f.value.base}`);
    let v = f.value.addend;
    if (f.pcrel) v -= BigInt(address + f.pcrel.from);
    let x = BigInt.asUintN(f.size * 8, v);
    for (let i = 0; i < f.size; i++) {
      out[f.offset + i] = Number(x & 0xffn);
      x >>= 8n;
    }
  }
  return out;
}

export function hexBytes(b: ArrayLike<number>): string {
  return Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}
