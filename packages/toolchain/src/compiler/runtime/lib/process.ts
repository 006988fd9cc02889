/**
 * Runtime (TypeScript subset): the end of the program's main. A program whose entry module has a
 * default export (`export default main`, the @toro/sdk `Main` convention that `toro dev` also follows)
 * has it called once the top-level code has run; what it returns is the exit status.
 */
declare function __exit(code: number): never;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;

/** `main()`'s result: a number is the exit status (an integer 0..255; the low 8 bits otherwise, as an OS would keep); nothing is 0. */
export function mainResult(result: unknown): void {
  if (__tag(result) !== 0) return;
  const n = __as_number(result);
  __exit(n >= 0 && n <= 255 && Math.floor(n) === n ? n : Math.trunc(n) & 255);
}
