/**
 * Turns errors raised by the toolchain into UserErrors with a hint. Errors that are not listed here are
 * bugs in Toro, and oclif reports them as such.
 */
import { UserError } from './errors.js';

export function toUserError(err: Error): UserError | undefined {
  if (err instanceof UserError) return err;
  return undefined;
}
