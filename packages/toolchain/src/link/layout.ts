/**
 * Section placement with the rules of `nasm -f bin` (NASM manual, "Multisection support for the bin
 * format"): .text first, then progbits sections in definition order; `follows=` moves a section (and the
 * sections defined after it) behind another; `start=` groups are ordered by address; sections without
 * `start=` follow the previous one at their alignment (4 unless given). Nobits sections come after the
 * progbits ones: `.bss` after the last progbits section, any other nobits section after the section
 * defined just before it (NASM's behaviour, overlaps included).
 */
import type { LinkError } from './errors.js';
import type { MergedSection } from './merge.js';

export interface Placement {
  section: MergedSection;
  start: bigint;
  vstart: bigint;
}

const alignUp = (n: bigint, a: number): bigint => {
  const b = BigInt(a);
  return ((n + b - 1n) / b) * b;
};

/** Splits a list into groups, each beginning where `leader` is true (the first group may lack one). */
function groups(list: MergedSection[], leader: (s: MergedSection) => boolean): MergedSection[][] {
  const out: MergedSection[][] = [];
  for (const s of list) {
    if (out.length === 0 || leader(s)) out.push([s]);
    else out[out.length - 1].push(s);
  }
  return out;
}

function orderProgbits(progbits: MergedSection[], errors: LinkError, file: string): MergedSection[] {
  let list = [...progbits];
  // follows=: move each follows-group right behind the section it follows.
  const pending = groups(list, (s) => s.start !== undefined || s.follows !== undefined).filter(
    (g) => g[0].follows !== undefined,
  );
  for (let guard = 0; pending.length > 0 && guard < 1000; guard++) {
    const g = pending.shift() as MergedSection[];
    const target = g[0].follows as string;
    list = list.filter((s) => !g.includes(s));
    const at = list.findIndex((s) => s.name === target);
    if (at < 0) {
      errors.add(file, `section ${g[0].name} follows an invalid or unknown section (${target})`);
      return progbits;
    }
    const next = list[at + 1];
    if (next && next.follows === target && !g.includes(next)) {
      errors.add(file, `sections ${g[0].name} and ${next.name} can't both follow section ${target}`);
      return progbits;
    }
    list.splice(at + 1, 0, ...g);
  }
  // start=: insert each start-group before the first placed section with a higher start.
  const sorted: MergedSection[] = [];
  for (const g of groups(list, (s) => s.start !== undefined)) {
    const gs = g[0].start ?? 0n;
    let at = sorted.findIndex((s) => s.start !== undefined && gs < s.start);
    if (at < 0) at = sorted.length;
    sorted.splice(at, 0, ...g);
  }
  return sorted;
}

export function layoutSections(
  merged: MergedSection[],
  org: bigint | undefined,
  errors: LinkError,
  file: string,
): { origin: bigint; placed: Placement[] } {
  const progbits = orderProgbits(
    merged.filter((s) => !s.nobits),
    errors,
    file,
  );
  const start = new Map<MergedSection, bigint>();
  const vstart = new Map<MergedSection, bigint>();
  let origin = org ?? 0n;
  if (progbits.length > 0) {
    const first = progbits[0];
    if (org !== undefined) {
      if (first.start !== undefined) {
        if (first.start < org) errors.add(file, `section ${first.name} begins before program origin`);
        start.set(first, first.start);
      } else start.set(first, first.alignDefined ? alignUp(org, first.align) : org);
    } else {
      start.set(first, first.start ?? 0n);
      origin = start.get(first) as bigint;
    }
  }
  let pend = progbits.length > 0 ? (start.get(progbits[0]) as bigint) : origin;
  for (let i = 0; i < progbits.length; i++) {
    const g = progbits[i];
    if (!start.has(g)) {
      start.set(g, g.start ?? alignUp(pend, g.alignDefined ? g.align : 4));
    }
    const gStart = start.get(g) as bigint;
    if (g.vstart !== undefined) vstart.set(g, g.vstart);
    else if (g.vfollows === undefined) vstart.set(g, gStart);
    if (gStart < pend) continue;
    pend = gStart + BigInt(g.size);
    const next = progbits.slice(i + 1).find((s) => s.size > 0 && s.start !== undefined);
    if (next && next.start !== undefined && pend > next.start) {
      errors.add(file, `sections ${g.name} and ${next.name} overlap!`);
    }
  }

  const nobits = merged.filter((s) => s.nobits).sort((a, b) => a.order - b.order);
  for (const s of nobits) {
    if (s.start !== undefined && s.vstart === undefined) vstart.set(s, s.start);
    else if (s.vstart !== undefined) vstart.set(s, s.vstart);
  }
  const all = [...progbits, ...nobits];
  const byCreation = [...merged].sort((a, b) => a.order - b.order);
  const lastProgbits = progbits[progbits.length - 1];
  for (let progress = true; progress; ) {
    progress = false;
    for (const g of all) {
      if (vstart.has(g)) continue;
      const followName = g.vfollows ?? (g.nobits ? g.follows : undefined);
      let s: MergedSection | undefined;
      if (followName !== undefined) {
        s = merged.find((x) => x.name === followName);
        if (!s) {
          errors.add(file, `section ${g.name} vfollows unknown section (${followName})`);
          return { origin, placed: [] };
        }
      } else if (g.name === '.bss' || g.order === 0) {
        s = lastProgbits;
      } else {
        s = byCreation[byCreation.indexOf(g) - 1];
      }
      if (s === undefined) {
        vstart.set(g, origin);
        progress = true;
        continue;
      }
      const sv = vstart.get(s);
      if (sv === undefined) continue;
      const valign = g.nobits && g.alignDefined ? g.align : 4;
      vstart.set(g, alignUp(sv + BigInt(s.size), valign));
      progress = true;
    }
  }
  for (const g of all) {
    if (!vstart.has(g)) errors.add(file, `cannot compute vstart for section ${g.name} (circular vfollows?)`);
  }
  const placed = all.map((section) => {
    const v = vstart.get(section) ?? 0n;
    return { section, start: section.nobits ? v : (start.get(section) ?? v), vstart: v };
  });
  return { origin, placed };
}
