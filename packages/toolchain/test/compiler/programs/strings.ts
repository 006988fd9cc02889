// String literals, concatenation with numbers and booleans, length, equality, templates.
const hello = "hello";
const world = 'world';
console.log(hello + ", " + world + "!");
console.log("n=" + 42, 42 + "=n", "x" + 1.5 + 2, 1 + 2 + "3", "3" + 1 + 2, "t" + true, "u" + undefined, "n" + null);
console.log("neg zero " + -0, "nan " + NaN, "inf " + -Infinity, "big " + 1e21, "small " + 1e-7);
console.log(hello.length, "".length, (hello + world).length);
const name = "toro";
const n = 3;
console.log(`${name} has ${n} letters? ${name.length === n}`);
console.log(`${n * 2}${n / 2}`, `plain`, `${""}`, `a${1}b${2}c`);
let s = "";
for (let i = 0; i < 10; i++) s += i % 2 === 0 ? "e" : "o";
console.log(s, s.length);
console.log("tab\there", "quote\"s", 'single\'s', "back\\slash", "new\nline");
let sn: string | number = "str";
console.log(sn + 1);
sn = 7;
console.log(sn + 1);
