// Top-level variables are shared by every function (they live in global slots).
let counter = 0;
let log = "";
const step = 3;
function bump(): void {
  counter += step;
  log = log + counter + ",";
}
for (let i = 0; i < 5; i++) bump();
console.log(counter, log);
let last: string | number = "none";
function remember(v: number): void {
  last = v > 10 ? v : "small " + v;
}
remember(4);
console.log(last);
remember(40);
console.log(last);
