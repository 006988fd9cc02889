/**
 * Errors the CLI reports to the user: a message that says what went wrong, a hint that says what to do
 * next, and the exit code. Commands throw these; the base command prints them without a stack trace.
 */

/** Exit codes: 1 is a failure of the thing asked for; 2 is bad usage or bad input. */
export const ExitCode = {
  failure: 1,
  usage: 2,
  missingTool: 3,
} as const;

export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = ExitCode.usage,
    /** Printed as-is on stderr before the error (diagnostics, one per line, tsc-style). */
    readonly details?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
