/**
 * Test bridge until Toro's own assembler and linker can build the kernel: assemble with Debian's
 * `nasm -f bin` and turn its flat output plus its map file into the LinkedImage the image writers take.
 *
 * The map (`[map sections symbols ...]`, injected with --before so sources stay plain) gives every
 * section's start, virtual start and length, and every label's address. Section permissions follow
 * the conventional names: .text* executable, .data* and .bss* writable, anything else read-only.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinkedImage, PlacedSection, ResolvedSymbol } from '../../src/link/image.js';

export interface NasmBinOutput {
  bin: Uint8Array;
  map: string;
}

export interface NasmOptions {
  /** Folder for %include lookups (passed as -I). */
  includeDir?: string;
  /** More folders for %include, searched after includeDir. */
  includeDirs?: string[];
  /** -D definitions. */
  defines?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs `nasm -f bin` on `sourceFile`, bounded by a timeout; returns the flat image and its map. */
export async function nasmBin(sourceFile: string, opts: NasmOptions = {}): Promise<NasmBinOutput> {
  const dir = await mkdtemp(join(tmpdir(), 'toro-nasm-'));
  try {
    const binPath = join(dir, 'out.bin');
    const mapPath = join(dir, 'out.map');
    const args = ['-f', 'bin', '-o', binPath, '--before', `[map sections symbols ${mapPath}]`];
    if (opts.includeDir)
      args.push('-I', opts.includeDir.endsWith('/') ? opts.includeDir : `${opts.includeDir}/`);
    for (const d of opts.includeDirs ?? []) args.push('-I', d.endsWith('/') ? d : `${d}/`);
    for (const [name, value] of Object.entries(opts.defines ?? {})) args.push(`-D${name}=${value}`);
    args.push(sourceFile);
    await new Promise<void>((resolve, reject) => {
      execFile('nasm', args, { timeout: opts.timeoutMs ?? 20_000 }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`nasm failed: ${err.message}\n${stderr}`));
        else resolve();
      });
    });
    return { bin: new Uint8Array(await readFile(binPath)), map: await readFile(mapPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Builds a LinkedImage from nasm's flat output and its map file. */
export function linkedImageFromNasm({ bin, map }: NasmBinOutput): LinkedImage {
  const origin = parseOrigin(map);
  const sections: PlacedSection[] = parseSections(map).map((s) => {
    const offset = Number(s.start - origin);
    const bytes = s.nobits ? new Uint8Array(0) : bin.slice(offset, offset + s.length);
    if (!s.nobits && bytes.length !== s.length) {
      throw new Error(`section ${s.name} runs past the end of nasm's output`);
    }
    return {
      name: s.name,
      address: s.vstart,
      loadAddress: s.start,
      bytes,
      size: s.length,
      nobits: s.nobits,
      flags: { exec: s.name.startsWith('.text'), write: /^\.(data|bss)/.test(s.name) },
    };
  });
  return { sections, symbols: parseSymbols(map) };
}

interface MapSection {
  name: string;
  vstart: bigint;
  start: bigint;
  length: number;
  nobits: boolean;
}

function parseOrigin(map: string): bigint {
  const m = /-- Program origin -+\s+([0-9A-F]+)/.exec(map);
  if (!m) throw new Error('nasm map has no program origin');
  return BigInt(`0x${m[1]}`);
}

function parseSections(map: string): MapSection[] {
  const summary = block(map, '-- Sections (summary)');
  const rows = [
    ...summary.matchAll(
      /^\s*([0-9A-F]+)\s+([0-9A-F]+)\s+[0-9A-F]+\s+([0-9A-F]+)\s+(progbits|nobits)\s+(\S+)\s*$/gm,
    ),
  ];
  return rows.map((r) => ({
    vstart: BigInt(`0x${r[1]}`),
    start: BigInt(`0x${r[2]}`),
    length: Number.parseInt(r[3]!, 16),
    nobits: r[4] === 'nobits',
    name: r[5]!,
  }));
}

/** Labels of every section; absolute symbols (`equ`, struc fields) are left out. */
function parseSymbols(map: string): ResolvedSymbol[] {
  const symbols: ResolvedSymbol[] = [];
  let section: string | undefined;
  for (const line of block(map, '-- Symbols').split('\n')) {
    const header = /^---- (?:Section (\S+)|No Section) -/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const row = /^\s*([0-9A-F]+)\s+([0-9A-F]+)\s+(\S+)\s*$/.exec(line);
    if (row && section !== undefined) {
      symbols.push({ name: row[3]!, address: BigInt(`0x${row[2]}`), section, global: false });
    }
  }
  return symbols;
}

/** The text of one top-level "-- Title ----" block of the map. */
function block(map: string, title: string): string {
  const start = map.indexOf(title);
  if (start < 0) return '';
  const next = map.indexOf('\n-- ', start + title.length);
  return map.slice(start, next < 0 ? undefined : next);
}
