// Each CPU has its own copy of module state and of the arguments it gets.
import { cpus, type Main, spawnOn } from '@toro/sdk';

let counter = 0;

export function bump(box: { items: number[] }, tags: Map<string, Set<number>>): string {
  counter++;
  box.items.push(99);
  tags.get('a')?.add(7);
  return `counter ${counter} items ${box.items.length} tags ${[...(tags.get('a') ?? [])].join(',')}`;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

export function describe(p: Point): string {
  return `x ${p.x} y ${p.y} method ${typeof (p as { norm?: unknown }).norm}`;
}

/** A typed array crosses as a copy of the bytes its view sees. */
export function flip(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[b.length - 1 - i];
  b[0] = 0;
  return out;
}

export function fails(): void {
  throw new Error('unused');
}

const main: Main = async () => {
  const other = cpus().length - 1;
  const box = { items: [1, 2] };
  const tags = new Map([['a', new Set([1])]]);
  console.log(`first on CPU ${other}: ${await spawnOn(other, bump, box, tags).join()}`);
  console.log(`second on CPU ${other}: ${await spawnOn(other, bump, box, tags).join()}`);
  console.log(
    `CPU 0 counter ${counter} items ${box.items.length} tags ${[...(tags.get('a') ?? [])].join(',')}`,
  );
  console.log(await spawnOn(other, describe, new Point(3, 4)).join());
  const bytes = new Uint8Array([1, 2, 3, 4]).subarray(1);
  const back = await spawnOn(other, flip, bytes).join();
  console.log(`bytes back ${back.join(',')} (${back instanceof Uint8Array}), sent ${bytes.join(',')}`);
  const local = (): number => counter;
  try {
    spawnOn(other, local);
  } catch (e) {
    console.log(`closure refused: ${(e as Error).message}`);
  }
  try {
    spawnOn(other, bump, { items: [] }, new Map([['a', new Set([() => 1] as unknown as number[])]]));
  } catch (e) {
    console.log(`function argument refused: ${(e as Error).message}`);
  }
  return 0;
};
export default main;
