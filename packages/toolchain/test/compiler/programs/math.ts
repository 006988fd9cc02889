// Math.floor/ceil/trunc/sqrt/abs/min/max/pow and the constants.
console.log(Math.floor(1.5), Math.floor(-1.5), Math.floor(-0.5), Math.floor(-0), Math.floor(NaN), Math.floor(1e300));
console.log(Math.ceil(1.2), Math.ceil(-1.2), Math.ceil(-0.5), Math.trunc(2.9), Math.trunc(-2.9), Math.trunc(-0.1));
console.log(Math.sqrt(2), Math.sqrt(16), Math.sqrt(-1), Math.sqrt(-0), Math.sqrt(Infinity), Math.sqrt(1e-300));
console.log(Math.abs(-3), Math.abs(3), Math.abs(-0), Math.abs(-Infinity), Math.abs(NaN));
console.log(Math.min(1, 2), Math.max(1, 2), Math.min(0, -0), Math.max(-0, 0), Math.min(3, NaN), Math.max());
console.log(Math.min(), Math.min(5, 3, 8, 1, 9), Math.max(5, 3, 8, 1, 9), Math.max(-0, -0));
console.log(Math.pow(2, 8), Math.pow(3, -0) + Math.pow(4, -2), Math.pow(-2, 31), Math.pow(0, -1), Math.pow(-0, -3), Math.pow(Infinity, -1));
console.log(Math.pow(2, Infinity), Math.pow(0.5, Infinity), Math.pow(1, Infinity), Math.pow(-1, -Infinity));
console.log(Math.PI, Math.E, Math.PI * 2, Math.E * Math.E);
let acc = 0;
for (let i = 1; i <= 100; i++) acc += Math.sqrt(i);
console.log(acc);
