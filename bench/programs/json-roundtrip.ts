// JSON round trip: build records, JSON.stringify them, JSON.parse the text back, check and re-stringify.
interface Item {
  id: number;
  name: string;
  price: number;
  tags: string[];
  active: boolean;
}

function makeItems(n: number, seed: number): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      id: i,
      name: `item-${i}-${seed}`,
      price: ((i * 37 + seed) % 1000) / 8,
      tags: ['a', `t${i % 7}`, `s${seed % 5}`],
      active: (i + seed) % 3 === 0,
    });
  }
  return items;
}

const ROUNDS = 40;
const N = 1000;
let total = 0;
let chars = 0;
for (let r = 0; r < ROUNDS; r++) {
  const text = JSON.stringify(makeItems(N, r));
  chars += text.length;
  const back = JSON.parse(text) as Item[];
  for (const it of back) if (it.active) total += it.price + it.tags.length;
  if (JSON.stringify(back) !== text) console.log(`round ${r}: mismatch`);
}
console.log(`chars ${chars} total ${total}`);
