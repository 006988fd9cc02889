// A Map of 100k integer keys and a Set of 100k string keys: insert, look up every key, delete half,
// re-insert, and iterate in insertion order (the hashed collections; a linear scan never finishes).
const N = 100000;
const m = new Map<number, number>();
for (let round = 0; round < 5; round++) {
  for (let i = 0; i < N; i++) m.set(i * 3 + round, i);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += m.get(i * 3 + round) ?? 0;
  for (let i = 0; i < N; i += 2) m.delete(i * 3 + round);
  let live = 0;
  for (let i = 0; i < N; i++) if (m.has(i * 3 + round)) live++;
  console.log(round, m.size, sum, live);
}
let order = 0;
for (const [k, v] of m) order = (order * 31 + k + v) % 1000003;
console.log('order', order);
const s = new Set<string>();
for (let i = 0; i < N; i++) s.add(`w${i % 70000}`);
let hits = 0;
for (let i = 0; i < N; i++) if (s.has(`w${i}`)) hits++;
console.log('strings', s.size, hits);
