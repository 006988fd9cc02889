// fannkuch-redux: permutations of 1..n and pancake flips over small number arrays (array-heavy).
function fannkuch(n: number): number[] {
  const perm1: number[] = [];
  const perm: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    perm1.push(i);
    perm.push(0);
    count.push(0);
  }
  let maxFlips = 0;
  let checksum = 0;
  let permCount = 0;
  let r = n;
  while (true) {
    while (r !== 1) {
      count[r - 1] = r;
      r--;
    }
    for (let i = 0; i < n; i++) perm[i] = perm1[i];
    let flips = 0;
    let k = perm[0];
    while (k !== 0) {
      let i = 0;
      let j = k;
      while (i < j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i++;
        j--;
      }
      flips++;
      k = perm[0];
    }
    if (flips > maxFlips) maxFlips = flips;
    checksum += permCount % 2 === 0 ? flips : -flips;
    while (true) {
      if (r === n) return [checksum, maxFlips];
      const p0 = perm1[0];
      for (let i = 0; i < r; i++) perm1[i] = perm1[i + 1];
      perm1[r] = p0;
      count[r]--;
      if (count[r] > 0) break;
      r++;
    }
    permCount++;
  }
}

const N = 10;
const [checksum, maxFlips] = fannkuch(N);
console.log(`${checksum}\nPfannkuchen(${N}) = ${maxFlips}`);
