// Adler-32 and a byte histogram over a 1 MiB Uint8Array, ten times: typed array element reads
// and writes in a hot loop (inline `ldta`/`stta` in the compiled code).
const data = new Uint8Array(1 << 20);
let seed = 12345;
for (let i = 0; i < data.length; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  data[i] = seed >>> 16;
}
const counts = new Uint32Array(256);
let total = 0;
for (let round = 0; round < 10; round++) {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    a = (a + x) % 65521;
    b = (b + a) % 65521;
    counts[x] = counts[x] + 1;
  }
  total = (total + ((b << 16) | a)) >>> 0;
  data[round] = a & 0xff;
}
console.log(total, counts[0], counts[255]);
