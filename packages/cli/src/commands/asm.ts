import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { assembleFile, linkObjects, writeBin, writeElf } from '@toro/toolchain';
import { ToroCommand } from '../lib/base-command.js';
import { UserError } from '../lib/errors.js';
import { formatBytes } from '../lib/format.js';

export interface AsmResult {
  input: string;
  output: string;
  format: 'bin' | 'elf';
  bytes: number;
  symbols: number;
}

export default class Asm extends ToroCommand<AsmResult> {
  static override summary = 'Assemble a NASM-syntax file with Toro’s assembler.';
  static override description =
    '`--format bin` writes what `nasm -f bin` writes, byte for byte, so you can hold Toro’s assembler against ' +
    'NASM on your own sources. `--format elf` links the file at its `org` and writes an ELF64 executable with ' +
    'a PVH entry note (the entry is --entry, default the first byte of the first section) and a symbol table.';
  static override examples = [
    '<%= config.bin %> asm boot.asm -o boot.bin',
    '<%= config.bin %> asm kernel.asm -o kernel.elf --format elf --entry pvh_entry -I include/',
  ];
  static override args = {
    file: Args.string({ ignoreStdin: true, description: 'NASM-syntax source file', required: true }),
  };
  static override flags = {
    output: Flags.string({ char: 'o', description: 'output file', required: true }),
    format: Flags.string({
      char: 'f',
      description: 'output format',
      options: ['bin', 'elf'],
      default: 'bin',
    }),
    include: Flags.string({
      char: 'I',
      description: 'extra %include / incbin directory (repeatable)',
      multiple: true,
    }),
    define: Flags.string({
      char: 'D',
      description: 'predefine a macro, NAME or NAME=VALUE (repeatable)',
      multiple: true,
    }),
    entry: Flags.string({ description: 'entry symbol for --format elf' }),
  };

  async run(): Promise<AsmResult> {
    const { args, flags } = await this.parse(Asm);
    const defines: Record<string, string> = {};
    for (const d of flags.define ?? []) {
      const m = /^([A-Za-z_.?$][\w.?$#@~]*)(?:=(.*))?$/.exec(d);
      if (!m) throw new UserError(`bad -D "${d}"`, 'write -D NAME or -D NAME=VALUE');
      defines[m[1]] = m[2] ?? '';
    }
    const { object, warnings } = assembleFile(args.file, { includePaths: flags.include, defines });
    for (const w of warnings) this.warn(w.message);
    const image = linkObjects([object]);
    let bytes: Uint8Array;
    if (flags.format === 'bin') {
      bytes = writeBin(image);
    } else {
      const placed = image.sections.filter((s) => s.size > 0);
      if (placed.length === 0)
        throw new UserError(`${args.file} produced no code or data`, 'an ELF needs at least one section');
      // The lowest section address (bigints, so no Math.min).
      let entry = placed.map((s) => s.address).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0];
      if (flags.entry) {
        const sym = image.symbols.find((s) => s.name === flags.entry);
        if (!sym)
          throw new UserError(
            `no symbol named ${flags.entry} in ${args.file}`,
            'pass a label the file defines',
          );
        entry = sym.address;
      }
      bytes = writeElf(image, { entry, pvhEntry: entry });
    }
    const output = resolve(flags.output);
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, bytes);
    this.log(
      `Wrote ${flags.output} (${formatBytes(bytes.length)}, ${flags.format}, ${image.symbols.length} symbols)`,
    );
    return {
      input: resolve(args.file),
      output,
      format: flags.format as 'bin' | 'elf',
      bytes: bytes.length,
      symbols: image.symbols.length,
    };
  }
}
