// An uncaught exception ends the program with exit status 1 after what was already printed.
function check(n: number): number {
  if (n > 3) throw new Error("too big: " + n);
  return n * 2;
}
for (let i = 0; i < 10; i++) console.log(check(i));
console.log("never printed");
