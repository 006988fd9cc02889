// Map-heavy word counting: generate pseudo-random text over a fixed vocabulary, count words with a Map,
// then report the most frequent ones.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po'];
let seed = 12345;
function next(): number {
  seed = (seed * 16807) % 2147483647;
  return seed;
}

function word(): string {
  const r = next();
  const len = 1 + (r % 3);
  let w = '';
  let x = Math.floor(r / 8);
  for (let i = 0; i < len; i++) {
    w += SYLLABLES[x % 10];
    x = Math.floor(x / 10);
  }
  return w;
}

const WORDS = 400000;
const counts = new Map<string, number>();
for (let i = 0; i < WORDS; i++) {
  const w = word();
  counts.set(w, (counts.get(w) ?? 0) + 1);
}
const entries: [string, number][] = [];
for (const [w, c] of counts) entries.push([w, c]);
entries.sort((a, b) => (b[1] - a[1] !== 0 ? b[1] - a[1] : a[0] < b[0] ? -1 : 1));
console.log(`distinct ${counts.size}`);
for (let i = 0; i < 5; i++) console.log(`${entries[i][0]} ${entries[i][1]}`);
