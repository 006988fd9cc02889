/**
 * The ELF writer checked by the tools that read ELF for a living: readelf (headers, segments, the Xen
 * note, sections, symbols; also the reference for our own symbol reader), gdb (symbol lookup), and the boot-image validator on real non-bootable files
 * (a text file, nasm's 32-bit object, an ld-linked x86-64 executable with only a GNU build-id note).
 *
 * Input: a small program with code, read-only data, data, a section whose address differs from its load
 * address (vstart), and bss, assembled by `nasm -f bin` and mapped into a LinkedImage by nasm-image.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ElfWriteError, writeElf } from '../../src/image/elf.js';
import { BootImageError, readPvhEntry, validateBootImage } from '../../src/image/elf-read.js';
import { readElfSymbols } from '../../src/image/elf-symtab.js';
import type { LinkedImage, PlacedSection } from '../../src/link/image.js';
import { linkedImageFromNasm, nasmBin } from './nasm-image.js';

const SOURCE = `
org 0x100000
section .text progbits align=16
section .rodata progbits align=16 follows=.text
section .data progbits align=16 follows=.rodata
section .text.high progbits align=16 follows=.data vstart=0x40000000
section .bss nobits align=4096

section .text
bits 32
pvh_entry:
  mov esp, stack_top
  jmp .go
.go:
  call helper
  hlt
helper:
  mov eax, [value]
  ret

section .rodata
message: db "hello", 0

section .data
value: dd 42

section .text.high
far_code:
  mov eax, far_code
  ret

section .bss
stack: resb 4096
stack_top:
`;

function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

let dir: string;
let image: LinkedImage;
let elfPath: string;
let elf: Uint8Array;
let entry: bigint;

const hex = (n: bigint | number) => `0x${n.toString(16)}`;
const section = (name: string): PlacedSection => image.sections.find((s) => s.name === name)!;
const symbol = (name: string) => image.symbols.find((s) => s.name === name)!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-elf-'));
  await writeFile(join(dir, 'prog.asm'), SOURCE);
  image = linkedImageFromNasm(await nasmBin(join(dir, 'prog.asm')));
  entry = symbol('pvh_entry').address;
  elf = writeElf(image, { entry, pvhEntry: entry });
  elfPath = join(dir, 'prog.elf');
  await writeFile(elfPath, elf);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('readelf on writeElf output', () => {
  test('the nasm bridge saw what the source declares', () => {
    expect(image.sections.map((s) => s.name)).toEqual(['.text', '.rodata', '.data', '.text.high', '.bss']);
    expect(section('.text.high').address).toBe(0x40000000n);
    expect(section('.text.high').loadAddress).not.toBe(0x40000000n);
    expect(section('.bss').nobits).toBe(true);
  });

  test('ELF header: 64-bit little-endian x86-64 executable, entry at pvh_entry, no warnings', async () => {
    const { stdout, stderr } = await run('readelf', ['-h', '-W', elfPath]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/Class:\s+ELF64/);
    expect(stdout).toMatch(/Data:\s+2's complement, little endian/);
    expect(stdout).toMatch(/Type:\s+EXEC/);
    expect(stdout).toMatch(/Machine:\s+Advanced Micro Devices X86-64/);
    expect(stdout).toMatch(new RegExp(`Entry point address:\\s+${hex(entry)}\\n`));
  });

  test('one PT_LOAD per section: addresses, sizes, flags, congruent offsets, and the bytes nasm made', async () => {
    const { stdout, stderr } = await run('readelf', ['-l', '-W', elfPath]);
    expect(stderr).toBe('');
    const loads = [
      ...stdout.matchAll(
        /^\s+LOAD\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+(0x\S+)\s+([RWE ]+?)\s+(0x\S+)$/gm,
      ),
    ].map((m) => ({
      offset: Number(m[1]),
      vaddr: BigInt(m[2]!),
      paddr: BigInt(m[3]!),
      filesz: Number(m[4]),
      memsz: Number(m[5]),
      flags: m[6]!.replace(/ /g, ''),
      align: Number(m[7]),
    }));
    expect(loads).toHaveLength(image.sections.length);
    for (const s of image.sections) {
      const load = loads.find((l) => l.vaddr === s.address);
      expect(load, s.name).toBeDefined();
      expect(load!.paddr).toBe(s.loadAddress);
      expect(load!.memsz).toBe(s.size);
      expect(load!.filesz).toBe(s.nobits ? 0 : s.size);
      expect(load!.flags).toBe(`R${s.flags.write ? 'W' : ''}${s.flags.exec ? 'E' : ''}`);
      expect(load!.align).toBe(0x1000);
      expect(BigInt(load!.offset % 0x1000)).toBe(s.address % 0x1000n);
      if (!s.nobits) expect(elf.slice(load!.offset, load!.offset + load!.filesz)).toEqual(s.bytes);
    }
    expect(loads.find((l) => l.vaddr === section('.text').address)!.flags).toBe('RE');
    expect(stdout).toMatch(/^\s+NOTE\s+/m);
  });

  test('the PT_NOTE holds the Xen PVH entry note with pvh_entry as its descriptor', async () => {
    const { stdout, stderr } = await run('readelf', ['-n', '-W', elfPath]);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/Xen\s+0x00000008\s+Unknown note type: \(0x00000012\)/);
    const le = new Uint8Array(8);
    new DataView(le.buffer).setBigUint64(0, entry, true);
    const dump = [...le].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(stdout).toContain(`description data: ${dump}`);
  });

  test('section headers name every section with the right type and flags', async () => {
    const { stdout, stderr } = await run('readelf', ['-S', '-W', elfPath]);
    expect(stderr).toBe('');
    const rows = new Map(
      [
        ...stdout.matchAll(
          /^\s+\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+([A-Z]*)\s/gm,
        ),
      ].map((m) => [
        m[2]!,
        {
          index: Number(m[1]),
          type: m[3],
          addr: BigInt(`0x${m[4]}`),
          size: Number.parseInt(m[5]!, 16),
          flags: m[6],
        },
      ]),
    );
    expect(rows.get('.text')).toMatchObject({
      type: 'PROGBITS',
      flags: 'AX',
      addr: section('.text').address,
    });
    expect(rows.get('.rodata')).toMatchObject({ type: 'PROGBITS', flags: 'A' });
    expect(rows.get('.data')).toMatchObject({ type: 'PROGBITS', flags: 'WA' });
    expect(rows.get('.text.high')).toMatchObject({ type: 'PROGBITS', addr: 0x40000000n });
    expect(rows.get('.bss')).toMatchObject({ type: 'NOBITS', flags: 'WA', size: section('.bss').size });
    expect(rows.get('.note.Xen')).toMatchObject({ type: 'NOTE' });
    expect(rows.get('.symtab')).toMatchObject({ type: 'SYMTAB' });
    expect(rows.get('.strtab')).toMatchObject({ type: 'STRTAB' });
    expect(rows.get('.shstrtab')).toMatchObject({ type: 'STRTAB' });
  });

  test('symbols: every label with its address, type, binding and section index', async () => {
    const sectionIndex = new Map(
      [...(await run('readelf', ['-S', '-W', elfPath])).stdout.matchAll(/^\s+\[\s*(\d+)\]\s+(\S+)/gm)].map(
        (m) => [m[2]!, m[1]!],
      ),
    );
    const { stdout, stderr } = await run('readelf', ['-s', '-W', elfPath]);
    expect(stderr).toBe('');
    const syms = new Map(
      [...stdout.matchAll(/^\s+\d+:\s+([0-9a-f]{16})\s+(\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)$/gm)].map(
        (m) => [m[6]!, { value: BigInt(`0x${m[1]}`), size: Number(m[2]), type: m[3], bind: m[4], ndx: m[5] }],
      ),
    );
    expect(image.symbols.length).toBeGreaterThan(5);
    for (const s of image.symbols) {
      expect(syms.get(s.name), s.name).toMatchObject({
        value: s.address,
        bind: 'LOCAL',
        ndx: sectionIndex.get(s.section!),
      });
    }
    expect(syms.get('pvh_entry')!.type).toBe('FUNC');
    expect(syms.get('helper')).toMatchObject({
      type: 'FUNC',
      size: Number(section('.text').address + BigInt(section('.text').size) - symbol('helper').address),
    });
    expect(syms.get('pvh_entry')!.size).toBe(Number(symbol('helper').address - entry));
    expect(syms.get('pvh_entry.go')!.type).toBe('NOTYPE');
    expect(syms.get('message')!.type).toBe('NOTYPE');
    expect(syms.get('far_code')).toMatchObject({ type: 'FUNC', value: 0x40000000n });
  });

  test('readElfSymbols reads back the symbols readelf lists, with their sizes and code flag', async () => {
    const { stdout } = await run('readelf', ['-s', '-W', elfPath]);
    const listed = new Map(
      [...stdout.matchAll(/^\s+\d+:\s+([0-9a-f]{16})\s+(\d+)\s+(\w+)\s+\w+\s+\w+\s+(\w+)\s+(\S+)$/gm)]
        .filter((m) => m[4] !== 'UND' && m[4] !== 'ABS' && m[3] !== 'SECTION' && m[3] !== 'FILE')
        .map((m) => [m[5]!, { address: BigInt(`0x${m[1]}`), size: BigInt(m[2]!) }]),
    );
    const read = readElfSymbols(await readFile(elfPath));
    expect(new Set(read.map((s) => s.name))).toEqual(new Set(listed.keys()));
    for (const s of read) expect({ address: s.address, size: s.size }, s.name).toEqual(listed.get(s.name));
    const code = new Set(read.filter((s) => s.code).map((s) => s.name));
    expect(code.has('helper')).toBe(true);
    expect(code.has('far_code')).toBe(true);
    expect(code.has('message')).toBe(false);
    expect(() => readElfSymbols(new TextEncoder().encode('not an ELF file'))).toThrow(
      'not a little-endian ELF64 image',
    );
  });

  test('gdb resolves addresses to symbols', async () => {
    const helper = symbol('helper').address;
    const { stdout } = await run('gdb', [
      '-nx',
      '-batch',
      '-ex',
      `info symbol ${hex(helper + 1n)}`,
      '-ex',
      'info address value',
      elfPath,
    ]);
    expect(stdout).toContain('helper + 1 in section .text');
    expect(stdout).toContain(
      `Symbol "value" is at ${hex(symbol('value').address)} in a file compiled without debugging.`,
    );
  });
});

describe('writeElf refuses images it cannot describe', () => {
  test('a PVH entry outside executable code', () => {
    expect(() => writeElf(image, { entry, pvhEntry: symbol('value').address })).toThrow(ElfWriteError);
    expect(() => writeElf(image, { entry, pvhEntry: 0x1_0000_0000n })).toThrow(/32-bit/);
  });

  test('sections that overlap where they are loaded', () => {
    const text = section('.text');
    const clash = { ...section('.data'), name: '.clash', loadAddress: text.loadAddress + 1n };
    expect(() =>
      writeElf({ ...image, sections: [...image.sections, clash] }, { entry, pvhEntry: entry }),
    ).toThrow(/overlap/);
  });
});

describe('validateBootImage / readPvhEntry', () => {
  test('accepts writeElf output and returns its PVH entry', () => {
    expect(validateBootImage(elf)).toEqual({ ok: true, pvhEntry: entry, entry });
    expect(readPvhEntry(elf)).toBe(entry);
  });

  test('a text file is not an ELF file', () => {
    const check = validateBootImage(new TextEncoder().encode('#!/bin/sh\necho not a kernel\n'));
    expect(check).toMatchObject({ ok: false, problem: 'not-elf' });
  });

  test('a 32-bit ELF (nasm -f elf32) is refused as not x86-64', async () => {
    await writeFile(join(dir, 'small.asm'), 'section .text\nglobal _start\n_start: ret\n');
    await run('nasm', ['-f', 'elf32', '-o', join(dir, 'small32.o'), join(dir, 'small.asm')]);
    const check = validateBootImage(new Uint8Array(await readFile(join(dir, 'small32.o'))));
    expect(check).toMatchObject({ ok: false, problem: 'not-x86-64' });
    expect(!check.ok && check.message).toMatch(/32-bit/);
  });

  test('an x86-64 executable whose only note is a GNU build-id has no PVH note', async () => {
    await writeFile(join(dir, 'small.asm'), 'section .text\nglobal _start\n_start: ret\n');
    await run('nasm', ['-f', 'elf64', '-o', join(dir, 'small64.o'), join(dir, 'small.asm')]);
    await run('ld', ['--build-id', '-o', join(dir, 'small64'), join(dir, 'small64.o')]);
    const bytes = new Uint8Array(await readFile(join(dir, 'small64')));
    expect((await run('readelf', ['-n', join(dir, 'small64')])).stdout).toContain('NT_GNU_BUILD_ID');
    expect(validateBootImage(bytes)).toMatchObject({ ok: false, problem: 'no-pvh-note' });
    expect(() => readPvhEntry(bytes)).toThrow(BootImageError);
  });

  test('a cut-short file is reported as truncated', () => {
    expect(validateBootImage(elf.slice(0, 40))).toMatchObject({ ok: false, problem: 'truncated' });
    expect(validateBootImage(elf.slice(0, 100))).toMatchObject({ ok: false, problem: 'truncated' });
  });
});
