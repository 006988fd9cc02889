/**
 * The entry of each CPU's worker thread: installs this CPU's backend and console before any service code
 * runs, then waits for the machine. CPU 0 is told to run the entry module's default export (`main`);
 * other CPUs run what `spawnOn` sends them.
 */
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { installBackend } from '../backend.js';
import { ExitSignal, NodeCpu } from './cpu.js';
import type { CpuStart, FromCpu, ToCpu } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('toro: worker.ts runs only as a worker thread of the node backend');
process.setSourceMapsEnabled(true);

const cpu = new NodeCpu(workerData as CpuStart, (m: FromCpu) => port.postMessage(m));
installBackend(cpu);

// Every console method ends up as one whole line through the console's owner.
const out = (...values: unknown[]): void => cpu.console.print(1, format(...values));
const err = (...values: unknown[]): void => cpu.console.print(2, format(...values));
Object.assign(console, { log: out, info: out, debug: out, error: err, warn: err, trace: err });

process.on('uncaughtException', (e) => cpu.uncaught(e));
process.on('unhandledRejection', (e) => cpu.uncaught(e));

port.on('message', (m: ToCpu) => cpu.onMachine(m, (url) => void runMain(url)));

async function runMain(url: string): Promise<void> {
  try {
    const mod = (await import(url)) as { default?: unknown };
    if (typeof mod.default !== 'function') {
      throw new TypeError(
        `${url}: the entry module must export its main function as default (export default main; see the Main type)`,
      );
    }
    const status: unknown = await (mod.default as () => unknown)();
    const code = status === undefined ? 0 : status;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 255) {
      throw new TypeError(
        `main() returned ${String(status)}; the exit code must be a whole number from 0 to 255`,
      );
    }
    cpu.exit(code);
  } catch (e) {
    if (!(e instanceof ExitSignal)) cpu.uncaught(e);
  }
}
