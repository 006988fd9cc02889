// Values of union types are boxed; narrowing unboxes them.
function describe(v: string | number | boolean | null | undefined): string {
  return "<" + v + ">";
}
let x: string | number = 1;
console.log(describe(x), describe("s"), describe(true), describe(null), describe(undefined));
x = "two";
console.log(describe(x));
function pick(flag: boolean): number | string {
  return flag ? 42 : "forty-two";
}
const p = pick(true);
const q = pick(false);
console.log(p, q, describe(p), describe(q));
let maybe: number | null = null;
console.log(maybe);
maybe = -0;
console.log(maybe);
function orDefault(v: string | null): string {
  return v || "default";
}
console.log(orDefault(null), orDefault(""), orDefault("given"));
let flag: boolean | number = false;
console.log(flag);
flag = 0.5;
console.log(flag);
