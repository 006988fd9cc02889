/**
 * @toro/sdk: the typed API a Toro service imports.
 *
 * This first version holds the service contract (the entry point and the project configuration). CPUs,
 * threads, channels and dedication arrive with the kernel and compiler milestones.
 */
import './globals.js';

/** What a service's main module exports as default: it runs on CPU 0 once the kernel has booted. */
export type Main = () => ExitStatus | Promise<ExitStatus>;

/** The VM's exit code: a number from 0 to 255, or nothing for 0. */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets a main that returns nothing type-check.
export type ExitStatus = number | undefined | void;

/** The contents of `toro.json`, the file that makes a folder a Toro project. */
export interface ToroConfig {
  /** Service name: lower-case letters, digits and dashes; also the image's file name. */
  name: string;
  /** The TypeScript entry file, relative to the project folder (usually "src/main.ts"). */
  entry: string;
  /** CPUs the VM gets unless `toro build --cpus` or `toro run --cpus` says otherwise. */
  cpus: number;
  /** Guest memory, e.g. "128M" or "1G". */
  memory: string;
}
