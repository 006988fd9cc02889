/**
 * A build that stopped on errors in the user's (or the kernel's) sources. It carries every diagnostic so
 * the CLI can print them all, tsc-style, instead of only the first.
 */
import type { Diagnostic } from '../asm/diagnostic.js';

export class BuildError extends Error {
  override readonly name = 'BuildError';
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(message);
  }
}
