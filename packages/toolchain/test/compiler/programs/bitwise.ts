// Bitwise operators go through ToInt32/ToUint32.
console.log(5 & 3, 5 | 3, 5 ^ 3, ~5, ~-1, ~0);
console.log(1 << 31, 1 << 32, 1 << 33, -1 >> 1, -1 >>> 1, -1 >>> 0, 16 >> 2, -16 >> 2, -16 >>> 28);
console.log(2147483647 + 1 | 0, 4294967295 | 0, 4294967296 | 0, 1e10 | 0, -1e10 | 0, 3.7 | 0, -3.7 | 0);
console.log(NaN | 0, Infinity | 0, -Infinity | 0, 2 ** 63 | 0, 2 ** 64 + 2 ** 33 | 0, 1.5e19 | 0, -(2 ** 70) | 0);
console.log((2 ** 40 + 5) >>> 0, (2 ** 53 - 1) & 0xffff, 0x7fffffff << 1, 1 << -1);
let h = 0;
for (let i = 0; i < 100; i++) {
  h = (h * 31 + i) | 0;
  h ^= h >>> 13;
}
console.log(h);
let m = 12345;
m <<= 3;
m >>= 1;
m >>>= 2;
m &= 0xff0;
m |= 1;
m ^= 0x55;
console.log(m);
