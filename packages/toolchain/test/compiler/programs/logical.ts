// &&, ||, !, the conditional operator, and truthiness of every kind of value.
function num(n: number): number {
  return n;
}
function str(s: string): string {
  return s;
}
function bool(b: boolean): boolean {
  return b;
}
console.log("and", bool(true) && bool(false), "or", bool(false) || bool(true), "not", !num(0));
console.log(num(0) || 5, num(3) && 4, num(NaN) || "nan", str("") || "empty", str("x") && "y", num(0) && "never");
console.log(!!str(""), !!str("a"), !!num(0), !!num(-0), !!num(NaN), !!num(1), !!num(-Infinity));
let calls = 0;
function side(v: boolean): boolean {
  calls++;
  return v;
}
const r = side(false) && side(true);
const q = side(true) || side(false);
console.log(r, q, calls);
console.log(num(1) < 2 ? "yes" : "no", num(0) ? 1 : 2, str("") ? "t" : "f");
const mixed: string | number = calls > 1 ? "two" : 2;
console.log(mixed, !mixed);
function truthy(v: string | number | boolean | null | undefined): boolean {
  return v ? true : false;
}
console.log(truthy(null), truthy(undefined), truthy(0), truthy(""), truthy("0"), truthy(false), truthy(true), truthy(-1));
