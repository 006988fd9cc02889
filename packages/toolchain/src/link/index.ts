/**
 * The linker: merges objects' sections, places them like `nasm -f bin` (see ./layout.ts), resolves
 * symbols across objects and applies every relocation with a range check.
 */
import { fitsIn, writeLE } from '../obj/bytes.js';
import type { ObjectFile } from '../obj/object.js';
import { LinkError } from './errors.js';
import type { LinkedImage, PlacedSection, ResolvedSymbol } from './image.js';
import { layoutSections } from './layout.js';
import { mergeSections } from './merge.js';

export { LinkError } from './errors.js';
export type { LinkedImage, PlacedSection, ResolvedSymbol } from './image.js';

export interface LinkOptions {
  /** Overrides the objects' `org`. */
  org?: bigint;
}

export function link(objects: ObjectFile[], options: LinkOptions = {}): LinkedImage {
  const errors = new LinkError();
  const file = objects[0]?.file ?? '<link>';
  const merged = mergeSections(objects);
  const orgs = objects.map((o) => o.org).filter((o): o is bigint => o !== undefined);
  const org = options.org ?? orgs[0];
  const { origin, placed } = layoutSections(merged, org, errors, file);
  errors.throwIfAny();

  const address = new Map(placed.map((p) => [p.section.name, p]));
  /** Address of object `oi`'s piece of section `name` (vstart-based), or undefined. */
  const pieceAddress = (oi: number, name: string): bigint | undefined => {
    const p = address.get(name);
    const off = p?.section.pieces.get(oi);
    return p && off !== undefined ? p.vstart + BigInt(off) : undefined;
  };

  const symbols: ResolvedSymbol[] = [];
  const local: Map<string, bigint>[] = objects.map(() => new Map());
  const globals = new Map<string, { address: bigint; file: string }>();
  objects.forEach((obj, oi) => {
    for (const s of obj.symbols) {
      let addr = s.value;
      if (s.section !== undefined) {
        const base = pieceAddress(oi, s.section);
        if (base === undefined) continue;
        addr += base;
      }
      local[oi].set(s.name, addr);
      const r: ResolvedSymbol = { name: s.name, address: addr, global: s.global };
      if (s.section !== undefined) r.section = s.section;
      symbols.push(r);
      if (s.global) {
        const prev = globals.get(s.name);
        if (prev)
          errors.add(
            obj.file,
            `symbol \`${s.name}' is defined globally in both ${prev.file} and ${obj.file}`,
            s.pos,
          );
        else globals.set(s.name, { address: addr, file: obj.file });
      }
    }
  });

  const resolve = (oi: number, name: string): bigint | undefined => {
    const own = pieceAddress(oi, name);
    if (own !== undefined) return own;
    const m = /^section\.(.+)\.start$/.exec(name);
    if (m) return address.get(m[1])?.start;
    return local[oi].get(name) ?? globals.get(name)?.address;
  };

  const missing = new Set<string>();
  objects.forEach((obj, oi) => {
    for (const e of obj.externs) {
      if (resolve(oi, e) !== undefined) continue;
      missing.add(`${oi}:${e}`);
      // Point at the first use, since that is what cannot be completed.
      const use = obj.relocations.find((r) => r.value.base === e)?.pos;
      errors.add(
        obj.file,
        `undefined symbol \`${e}' (declared extern in ${obj.file})`,
        use,
        'define it as a global label in one of the linked objects',
      );
    }
  });
  const output = new Map(
    placed.map((p) => [p.section.name, p.section.nobits ? new Uint8Array(0) : p.section.bytes.slice()]),
  );
  objects.forEach((obj, oi) => {
    for (const r of obj.relocations) {
      const fieldBase = pieceAddress(oi, r.section);
      const buf = output.get(r.section);
      const pieceOff = address.get(r.section)?.section.pieces.get(oi);
      if (fieldBase === undefined || !buf || pieceOff === undefined) continue;
      let v = r.value.addend;
      if (r.value.base !== undefined) {
        const b = resolve(oi, r.value.base);
        if (b === undefined) {
          if (missing.has(`${oi}:${r.value.base}`)) continue;
          errors.add(
            obj.file,
            `undefined symbol \`${r.value.base}'`,
            r.pos,
            'declare it extern and define it global in another object',
          );
          continue;
        }
        v += b;
      }
      if (r.pcrelFrom !== undefined) v -= fieldBase + BigInt(r.pcrelFrom);
      const range = r.pcrelFrom !== undefined ? 'signed' : r.range;
      if (!fitsIn(v, r.size, range)) {
        errors.add(
          obj.file,
          `value 0x${BigInt.asUintN(64, v).toString(16)} does not fit in ${r.size * 8} bits${r.pcrelFrom !== undefined ? ' (relative)' : ''}`,
          r.pos,
          r.size < 8 ? 'use a wider operand, or place the target within reach' : undefined,
        );
        continue;
      }
      writeLE(buf, pieceOff + r.offset, r.size, v);
    }
  });
  errors.throwIfAny();

  const sections: PlacedSection[] = placed.map((p) => ({
    name: p.section.name,
    address: p.vstart,
    loadAddress: p.start,
    bytes: output.get(p.section.name) ?? new Uint8Array(0),
    size: p.section.size,
    nobits: p.section.nobits,
    flags: { ...p.section.flags },
  }));
  return { origin, sections, symbols };
}
