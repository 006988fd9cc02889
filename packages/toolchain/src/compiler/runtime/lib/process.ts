/**
 * Runtime (TypeScript subset): the end of the program's main. A program whose entry module has a
 * default export (`export default main`, the @toro/sdk `Main` convention that `toro dev` also follows)
 * has it called once the top-level code has run; what it returns is the exit status, checked as the
 * SDK's Node backend checks it (packages/sdk/src/node/worker.ts), so both report a bad one alike.
 */
import { toStringValue } from './console.js';
import { typeError } from './errors.js';
import { concat } from './string.js';

declare function __exit(code: number): never;
declare function __tag(v: unknown): number;
declare function __as_number(v: unknown): number;

/** `main()`'s result: nothing is status 0 (the program ends normally), a whole number 0..255 is the status. */
export function mainResult(result: unknown): void {
  if (__tag(result) === 1) return;
  if (__tag(result) === 0) {
    const n = __as_number(result);
    if (n >= 0 && n <= 255 && Math.floor(n) === n) __exit(n);
  }
  typeError(
    concat(
      concat('main() returned ', toStringValue(result)),
      '; the exit code must be a whole number from 0 to 255',
    ),
  );
}
