/**
 * The ELF symbol table for an image: what gdb, objdump and readelf show for addresses in the kernel.
 *
 * Every resolved symbol becomes one Elf64_Sym. Locals precede globals (the gABI requires it; the
 * .symtab header's sh_info is the index of the first global). A symbol in an executable section is
 * STT_FUNC, except NASM-style local labels (`parent.local`), which are jump targets inside their parent
 * and stay STT_NOTYPE so debuggers attribute them to the enclosing function. A function's st_size runs
 * to the next function in its section, or to the section's end, which gives gdb function bounds.
 */
import type { PlacedSection, ResolvedSymbol } from '../link/image.js';
import { SHN_ABS, STB_GLOBAL, STB_LOCAL, STT_FUNC, STT_NOTYPE, SYM_SIZE } from './elf-format.js';
import { StringTable } from './string-table.js';

export interface SymbolTable {
  symtab: Uint8Array;
  strtab: Uint8Array;
  /** Index of the first STB_GLOBAL symbol (the .symtab section's sh_info). */
  firstGlobal: number;
}

/**
 * Builds .symtab and .strtab. `sectionIndex` maps a section name to its index in the section header
 * table; a symbol without a section is absolute (SHN_ABS).
 */
export function buildSymbolTable(
  symbols: readonly ResolvedSymbol[],
  sections: readonly PlacedSection[],
  sectionIndex: ReadonlyMap<string, number>,
): SymbolTable {
  const byName = new Map(sections.map((s) => [s.name, s]));
  const strings = new StringTable();
  const ordered = [...symbols.filter((s) => !s.global), ...symbols.filter((s) => s.global)];
  const sizes = functionSizes(symbols, byName);
  const symtab = new Uint8Array(SYM_SIZE * (ordered.length + 1)); // entry 0 is the null symbol
  const view = new DataView(symtab.buffer);
  ordered.forEach((sym, i) => {
    const at = SYM_SIZE * (i + 1);
    const section = sym.section === undefined ? undefined : byName.get(sym.section);
    if (sym.section !== undefined && section === undefined) {
      throw new Error(`symbol ${sym.name} is in section ${sym.section}, which the image does not have`);
    }
    const type = isFunction(sym, section) ? STT_FUNC : STT_NOTYPE;
    const bind = sym.global ? STB_GLOBAL : STB_LOCAL;
    view.setUint32(at, strings.add(sym.name), true);
    view.setUint8(at + 4, (bind << 4) | type);
    view.setUint8(at + 5, 0); // st_other: default visibility
    view.setUint16(at + 6, section === undefined ? SHN_ABS : sectionIndex.get(section.name)!, true);
    view.setBigUint64(at + 8, sym.address, true);
    view.setBigUint64(at + 16, sizes.get(sym) ?? 0n, true);
  });
  const firstGlobal = 1 + ordered.filter((s) => !s.global).length;
  return { symtab, strtab: strings.bytes(), firstGlobal };
}

function isFunction(sym: ResolvedSymbol, section: PlacedSection | undefined): boolean {
  return section?.flags.exec === true && !sym.name.slice(1).includes('.');
}

/** Size of each function symbol: up to the next function in the same section, or the section end. */
function functionSizes(
  symbols: readonly ResolvedSymbol[],
  byName: ReadonlyMap<string, PlacedSection>,
): Map<ResolvedSymbol, bigint> {
  const sizes = new Map<ResolvedSymbol, bigint>();
  for (const section of byName.values()) {
    const functions = symbols
      .filter((s) => s.section === section.name && isFunction(s, section))
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    const end = section.address + BigInt(section.size);
    functions.forEach((fn, i) => {
      const next = functions.slice(i + 1).find((f) => f.address > fn.address);
      sizes.set(fn, (next?.address ?? end) - fn.address);
    });
  }
  return sizes;
}
