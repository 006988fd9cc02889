// Functions: recursion, mutual recursion, parameters, early return, void functions.
function fib(n: number): number {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}
function isEven(n: number): boolean {
  return n === 0 ? true : isOdd(n - 1);
}
function isOdd(n: number): boolean {
  return n === 0 ? false : isEven(n - 1);
}
function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = b;
    b = a % b;
    a = t;
  }
  return a;
}
function six(a: number, b: number, c: number, d: number, e: number, f: number): number {
  return a * 100000 + b * 10000 + c * 1000 + d * 100 + e * 10 + f;
}
function greet(name: string, times: number): void {
  for (let i = 0; i < times; i++) console.log("hello " + name);
}
function ackermann(m: number, n: number): number {
  if (m === 0) return n + 1;
  if (n === 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}
console.log(fib(25), isEven(10), isOdd(7), gcd(1071, 462), six(1, 2, 3, 4, 5, 6));
greet("toro", 2);
console.log(ackermann(2, 3));
