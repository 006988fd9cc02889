/**
 * Runtime (TypeScript subset): the errors the runtime raises. A TypeError is what JavaScript would
 * throw at the same point (reading a property of undefined, a value that is not what its type says);
 * uncaught, it is printed on stderr and the program exits with status 1, like Node. A refusal stops
 * the program with status 70 when it reaches something this compiler does not implement (documented
 * in ../../README.md "Refused at run time") rather than compute something different from JavaScript.
 */
import { concat } from './string.js';

declare function __write(fd: number, s: string): void;
declare function __exit(code: number): never;

export function typeError(message: string): never {
  __write(2, concat(concat('Uncaught TypeError: ', message), '\n'));
  return __exit(1);
}

export function refuse(what: string): never {
  __write(2, concat(concat('toro: ', what), ' is not supported yet\n'));
  return __exit(70);
}
