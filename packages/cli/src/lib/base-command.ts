/**
 * The base of every toro command: `--json` support, progress spinners that stay quiet under `--json`,
 * and one place that turns known errors into a clear message with a hint (never a stack trace).
 */
import { Command } from '@oclif/core';
import ora, { type Ora } from 'ora';
import { UserError } from './errors.js';
import { toUserError } from './known-errors.js';

export abstract class ToroCommand<T> extends Command {
  static override enableJsonFlag = true;

  abstract override run(): Promise<T>;

  /** A spinner on stderr for a stage that may take more than a moment; silent under --json. */
  protected spinner(text: string): Ora {
    return ora({ text, stream: process.stderr, isSilent: this.jsonEnabled() }).start();
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    const known = err instanceof UserError ? err : toUserError(err);
    if (known) {
      if (known.details) process.stderr.write(`${known.details}\n`);
      // oclif prints `Error: <message>` and each suggestion as `Try this: <hint>`.
      this.error(known.message, { exit: known.exitCode, suggestions: known.hint ? [known.hint] : undefined });
    }
    return super.catch(err);
  }
}
