// console.log formatting of every kind of value, several arguments, none.
console.log();
console.log("");
console.log("one");
console.log("a", "b", "c");
console.log(1, "1", true, "true", null, "null", undefined, "undefined");
console.log(-0, "-0", 0, NaN, -Infinity);
console.log("100%", "50% off", 5);
const maybe: string | undefined = undefined;
console.log(maybe, maybe === undefined ? 1 : 2);
