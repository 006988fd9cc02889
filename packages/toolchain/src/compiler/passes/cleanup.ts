/**
 * Removes blocks no path from the entry reaches (code after return/break, the dead blocks the
 * builder opens after a terminator) and renumbers branch targets.
 */
import type { IrFunction, IrModule } from '../ir/types.js';

export function cleanupModule(m: IrModule): IrModule {
  for (const f of m.functions) cleanupFunction(f);
  return m;
}

export function cleanupFunction(fn: IrFunction): void {
  const reached = new Set<number>([0]);
  const work = [0];
  while (work.length > 0) {
    const b = fn.blocks[work.pop() as number];
    for (const i of b.instrs) {
      for (const t of i.targets ?? []) {
        if (!reached.has(t)) {
          reached.add(t);
          work.push(t);
        }
      }
    }
  }
  const renumber = new Map<number, number>();
  const kept = fn.blocks.filter((_, i) => reached.has(i));
  fn.blocks.forEach((_, i) => {
    if (reached.has(i)) renumber.set(i, renumber.size);
  });
  for (const b of kept)
    for (const i of b.instrs) if (i.targets) i.targets = i.targets.map((t) => renumber.get(t) as number);
  fn.blocks = kept;
}
