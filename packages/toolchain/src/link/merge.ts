/**
 * First linker step: concatenate same-named sections of all objects (in object order, each piece aligned
 * to its own alignment) and remember where each object's piece landed.
 */
import type { ObjectFile, Section } from '../obj/object.js';
import { LinkError } from './errors.js';

/** A Section built from every object's same-named piece; alignDefined is settled (no longer optional). */
export interface MergedSection extends Section {
  alignDefined: boolean;
  /** Offset of each object's piece, by object index. */
  pieces: Map<number, number>;
  /** Position in creation order (NASM's "previous section" for nobits placement). */
  order: number;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function mergeSections(objects: ObjectFile[]): MergedSection[] {
  const byName = new Map<string, MergedSection>();
  const chunks = new Map<string, { offset: number; bytes: Uint8Array }[]>();
  const errors = new LinkError();
  objects.forEach((obj, oi) => {
    for (const s of obj.sections) {
      let m = byName.get(s.name);
      if (!m) {
        m = fresh(s, byName.size);
        byName.set(s.name, m);
        chunks.set(s.name, []);
      } else {
        if (m.nobits !== s.nobits) {
          errors.add(obj.file, `section \`${s.name}' is nobits in one object and progbits in another`);
        }
        if (s.alignDefined) {
          m.align = m.alignDefined ? Math.max(m.align, s.align) : s.align;
          m.alignDefined = true;
        }
        m.start ??= s.start;
        m.vstart ??= s.vstart;
        m.follows ??= s.follows;
        m.vfollows ??= s.vfollows;
      }
      const offset = m.pieces.size === 0 ? 0 : alignUp(m.size, s.align);
      m.pieces.set(oi, offset);
      m.size = offset + s.size;
      if (!s.nobits) chunks.get(s.name)?.push({ offset, bytes: s.bytes });
    }
  });
  errors.throwIfAny();
  const list = [...byName.values()];
  for (const m of list) {
    if (m.nobits) continue;
    const buf = new Uint8Array(m.size);
    for (const c of chunks.get(m.name) ?? []) buf.set(c.bytes.subarray(0, m.size - c.offset), c.offset);
    m.bytes = buf;
  }
  // NASM creates .text before anything else, so it always comes first.
  const text = list.findIndex((m) => m.name === '.text');
  if (text > 0) list.unshift(...list.splice(text, 1));
  list.forEach((m, i) => {
    m.order = i;
  });
  return list;
}

function fresh(s: Section, order: number): MergedSection {
  // Placement attributes (start/vstart/follows/vfollows) come over only when the first piece has them.
  return {
    ...s,
    bytes: new Uint8Array(0),
    size: 0,
    alignDefined: s.alignDefined ?? false,
    flags: { ...s.flags },
    pieces: new Map(),
    order,
  };
}
