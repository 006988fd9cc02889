// ** whose result is not exact: Node prints V8's rounding, which this slice does not reproduce, so
// the compiled program must stop with an error instead of printing a different last digit. Status
// differs from Node on purpose: the test expects exactly this refusal (see runtime-refusals.test.ts).
console.log("before");
console.log(1.1 ** 7);
