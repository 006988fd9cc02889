// Comparisons and equality, including NaN and signed zeros.
function str(s: string): string {
  return s;
}
function bool(b: boolean): boolean {
  return b;
}
const n = NaN;
console.log(1 < 2, 2 < 1, 1 <= 1, 2 >= 3, 3 > 2, n < 1, n > 1, n <= n, n >= n);
console.log(n === n, n !== n, 0 === -0, 0 !== -0, 1 === 1.0, Infinity === Infinity);
console.log(str("a") === str("a"), str("a") === str("b"), str("ab") === str("a") + str("b"), str("") === "", str("abc") !== str("abd"));
console.log(bool(true) === true, bool(true) === bool(false), bool(false) !== true);
function mixed(v: string | number): string | number {
  return v;
}
const s = mixed("5");
const t = mixed(5);
console.log(s === t, s !== t, s === mixed("5"), t === mixed(5), mixed(NaN) === mixed(NaN));
const u: string | null = str("") === "" ? null : "x";
console.log(u === null, u !== null, 1 == 1, str("x") != str("y"), str("x") == "x");
