// Block scoping: shadowed let/const in nested blocks and loops.
let x = 1;
{
  let x = 2;
  {
    const x = 3;
    console.log("inner", x);
  }
  console.log("middle", x);
}
console.log("outer", x);
function f(x: number): number {
  let y = x;
  for (let x = 0; x < 3; x++) y += x;
  if (y > 0) {
    const y = -1;
    return y * x;
  }
  return y;
}
console.log(f(10), f(-10));
let acc = "";
for (let i = 0; i < 3; i++) {
  const i2 = i * i;
  acc += i2;
}
console.log(acc);
