import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { runService } from '@toro/sdk/node';
import { ToroCommand } from '../lib/base-command.js';
import { ExitCode, UserError } from '../lib/errors.js';
import { parsePort, portFlag } from '../lib/ports.js';
import { filesDirFor, loadProject } from '../lib/project.js';

export interface DevResult {
  entry: string;
  cpus: number;
  numa: number;
  exitCode: number;
  /** The CPU whose uncaught error stopped the service. */
  crashedCpu?: number;
  durationMs: number;
  /** Console lines (only collected with --json; otherwise they stream to stdout and stderr). */
  stdout?: string[];
  stderr?: string[];
}

export default class Dev extends ToroCommand<DevResult> {
  static override summary = 'Run the service on Node.js, one worker thread per CPU.';
  static override description =
    'Runs the project\'s entry (toro.json "entry") unmodified on the SDK\'s Node.js backend: each CPU is a ' +
    'worker thread with its own module state, channels are message ports, and the console, dedication ' +
    'and CPU queries behave as in the unikernel. The TypeScript is type-stripped with TypeScript’s ' +
    'transpileModule into a temporary folder (no type check: run tsc for that). The command exits with ' +
    "the service's exit code; Ctrl-C stops it.";
  static override examples = [
    '<%= config.bin %> dev',
    '<%= config.bin %> dev --cpus 4 --numa 2',
    '<%= config.bin %> dev -p 8080:80',
  ];
  static override flags = {
    cpus: Flags.integer({ description: 'CPUs (default: toro.json)', min: 1, max: 255 }),
    numa: Flags.integer({ description: 'NUMA nodes; CPUs are split evenly (default: 1)', min: 1, max: 64 }),
    // As under `toro run`: a service listening on GUEST is reached on 127.0.0.1:HOST (TCP and UDP alike).
    port: portFlag,
  };

  async run(): Promise<DevResult> {
    const { flags } = await this.parse(Dev);
    const project = loadProject(process.cwd());
    const cpus = flags.cpus ?? project.config.cpus;
    const numa = flags.numa ?? 1;
    if (numa > cpus)
      throw new UserError(`--numa ${numa} needs at least ${numa} CPUs, got ${cpus}`, 'pass more --cpus');
    const entry = join(project.dir, project.config.entry);
    if (!existsSync(entry)) {
      throw new UserError(`no entry file at ${entry}`, 'fix "entry" in toro.json or create the file');
    }
    const forwards = (flags.port ?? []).map(parsePort).map((f) => ({ host: f.host, guest: f.guest }));
    const json = this.jsonEnabled();
    const stdout: string[] = [];
    const stderr: string[] = [];
    const started = performance.now();
    const filesDir = filesDirFor(project);
    const service = runService({
      ...(filesDir === undefined ? {} : { filesDir }),
      root: project.dir,
      entry,
      cpus,
      numa,
      forwards,
      onOutput: json ? (fd, text) => (fd === 1 ? stdout : stderr).push(text) : undefined,
      onCrash: json ? (report) => stderr.push(...report.split('\n')) : undefined,
    });
    // Ctrl-C (or a SIGTERM) stops every CPU; the command then exits as a shell expects, 128 + signal.
    const onInt = (): void => service.stop(130);
    const onTerm = (): void => service.stop(143);
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    const exit = await service.exited;
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    process.exitCode = exit.code ?? ExitCode.failure;
    return {
      entry,
      cpus,
      numa,
      exitCode: exit.code,
      crashedCpu: exit.crashedCpu,
      durationMs: Math.round(performance.now() - started),
      stdout: json ? stdout : undefined,
      stderr: json ? stderr : undefined,
    };
  }
}
