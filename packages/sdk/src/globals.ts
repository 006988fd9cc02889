/**
 * Globals the Toro runtime provides to every service, declared here so editors and tsc know them. A
 * service's tsconfig uses `"types": []` and `"lib": ["ES2022"]`: no DOM and no Node.js APIs, only the
 * language, these globals and what `@toro/sdk` exports.
 */

declare global {
  interface Console {
    /** Writes the values to the serial console, formatted as Node.js formats them, and a newline. */
    log(...values: unknown[]): void;
    /** As `log`, for errors. */
    error(...values: unknown[]): void;
  }
  var console: Console;
}

export {};
