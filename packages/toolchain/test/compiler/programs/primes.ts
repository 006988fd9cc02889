// Trial-division primes and a few number-theory loops.
function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
let count = 0;
let sum = 0;
let list = "";
for (let n = 0; n < 20000; n++) {
  if (isPrime(n)) {
    count++;
    sum += n;
    if (n < 100) list += n + " ";
  }
}
console.log(count, sum);
console.log(list);
function collatz(n: number): number {
  let steps = 0;
  while (n !== 1) {
    n = n % 2 === 0 ? n / 2 : 3 * n + 1;
    steps++;
  }
  return steps;
}
let best = 0;
let arg = 0;
for (let i = 1; i < 30000; i++) {
  const s = collatz(i);
  if (s > best) {
    best = s;
    arg = i;
  }
}
console.log("collatz", arg, best);
