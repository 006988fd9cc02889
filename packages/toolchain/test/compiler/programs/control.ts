// if / while / for / do-while / break / continue.
let total = 0;
for (let i = 0; i < 10; i++) {
  if (i === 3) continue;
  if (i === 8) break;
  total += i;
}
console.log("for", total);
let w = 0;
while (true) {
  w++;
  if (w > 5) break;
}
console.log("while", w);
let d = 100;
do {
  d -= 7;
} while (d > 0);
console.log("do", d);
let once = 0;
do once++; while (false);
console.log("once", once);
for (let i = 0; i < 3; i++) {
  for (let j = 0; j < 3; j++) {
    if (j === i) continue;
    if (j > i) break;
    console.log("pair", i, j);
  }
}
let k = 0;
for (;;) {
  if (++k >= 4) break;
}
console.log("k", k);
if (k > 10) console.log("big");
else if (k > 3) console.log("medium");
else console.log("small");
