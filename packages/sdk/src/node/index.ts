/**
 * @toro/sdk/node: the Node.js host of the SDK, what `toro dev` runs a service with. `runService` prepares
 * the project's TypeScript (prepare.ts) and runs it on a machine of worker-thread CPUs (machine.ts); each
 * CPU installs the node backend (cpu.ts) before the service's modules load, so `import … from '@toro/sdk'`
 * in the service reaches that CPU's backend.
 */
import { type MachineExit, type MachineOptions, startMachine } from './machine.js';
import { prepareProject } from './prepare.js';

export {
  EMBEDDED_FILES_MAX_BYTES,
  type EmbeddedFileEntry,
  listEmbeddedFolder,
  readEmbeddedFolder,
} from './files.js';
export {
  type Machine,
  type MachineExit,
  type MachineOptions,
  nodeOfEachCpu,
  startMachine,
} from './machine.js';
export { type Forward, isLoopback, NodeNet } from './net.js';
export { type Prepared, prepareProject } from './prepare.js';

export interface RunServiceOptions extends Omit<MachineOptions, 'entryUrl'> {
  /** Project folder (where toro.json is); every .ts file under it is prepared. */
  root: string;
  /** The entry file, relative to `root` or absolute. */
  entry: string;
}

export interface RunningService {
  readonly exited: Promise<MachineExit>;
  stop(code: number): void;
}

/** Prepares and runs a service; the temporary folder is removed when the machine has stopped. */
export function runService(opts: RunServiceOptions): RunningService {
  const prepared = prepareProject(opts.root, opts.entry);
  try {
    const machine = startMachine({ ...opts, entryUrl: prepared.entryUrl });
    const exited = machine.exited.finally(() => prepared.dispose());
    return { exited, stop: (code) => machine.stop(code) };
  } catch (e) {
    prepared.dispose();
    throw e;
  }
}
