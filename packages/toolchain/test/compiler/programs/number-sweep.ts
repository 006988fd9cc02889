// Thousands of generated doubles of every magnitude printed: exercises the shortest-digits algorithm.
let seed = 12345;
function next(): number {
  // A 31-bit linear congruential generator, exact in doubles.
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed;
}
function scale(e: number): number {
  // Repeated IEEE multiplications/divisions: the same operations, so the same bits, in Node.
  let p = 1;
  for (let i = 0; i < e; i++) p *= 10;
  for (let i = 0; i > e; i--) p /= 10;
  return p;
}
let line = "";
for (let i = 1; i <= 400; i++) {
  const a = next() / 2147483648;
  const e = (next() % 80) - 40;
  const v = a * scale(e);
  line = line + v + " " + -v / 3 + " " + 1 / i + " " + Math.sqrt(i) + " " + i / 7 + " ";
  if (i % 4 === 0) {
    console.log(line);
    line = "";
  }
}
for (let e = -1074; e <= 1023; e += 13) {
  const p = e < 0 ? 0.5 ** -e : 2 ** e;
  console.log(e, p, 1.2345678 * p, p / 3, 7 * p);
}
for (let e = 0; e <= 22; e++) console.log(e, 10 ** e, 3.3 * 10 ** e, 1 / 10 ** e, 0.5 ** e, scale(e * 13), scale(-e * 13));
let tiny = 5e-324;
for (let i = 0; i < 20; i++) {
  console.log(tiny);
  tiny = tiny * 3;
}
