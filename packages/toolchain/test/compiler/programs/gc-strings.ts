// Builds and drops a million strings; only a few survive. Runs in bounded memory only if the
// collector reclaims the garbage (the test also measures the peak RSS).
let kept = "";
let total = 0;
for (let i = 0; i < 1000000; i++) {
  const s = "item " + i + " of a long loop that allocates a fresh string every iteration";
  total += s.length;
  if (i % 100000 === 0) kept = kept + s.length + ";";
}
console.log(total, kept);
