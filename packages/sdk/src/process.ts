/**
 * Stopping the machine. The service stops when `main()` returns (its value is the exit code), when any
 * thread calls `exit(code)`, or with code 1 when an exception escapes a thread on any CPU (reported with
 * the CPU number and the stack). Threads still running at that moment are stopped where they are.
 * Console lines written before the stop are all printed first.
 */
import { backend } from './backend.js';

/** Stops the machine with `code` (0 to 255, default 0); does not return. */
export function exit(code = 0): never {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new RangeError(`exit: code must be a whole number from 0 to 255, got ${code}`);
  }
  return backend().exit(code);
}
