/**
 * The machine of the node backend, in the Node main thread: it starts one worker thread per CPU, wires
 * the matrix (a MessageChannel for every pair of CPUs), tells CPU 0 to run the entry module, keeps track
 * of who owns the console, holds the ports CPUs share (reusePort: ./shared-ports.ts), and stops
 * everything when the service exits or a CPU reports an uncaught error.
 *
 * Stopping: every CPU is asked how many console lines it has sent (and stops writing more); the console's
 * owner is asked to write all of them; then the workers are terminated. A CPU that never answers (a loop
 * that does not await) is waited for at most STOP_WAIT_MS.
 */
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { CpuStart, FromCpu, ToCpu } from './protocol.js';
import { SharedPorts } from './shared-ports.js';

const STOP_WAIT_MS = 2000;

export interface MachineOptions {
  /** file: URL of the entry module (JavaScript; see prepare.ts for TypeScript projects). */
  entryUrl: string;
  cpus: number;
  /** NUMA nodes (default 1); CPUs are split over them in contiguous blocks, larger blocks first. */
  numa?: number;
  /** Receives console lines instead of them being written to stdout/stderr. */
  onOutput?: (fd: 1 | 2, text: string) => void;
  /** Receives the report of an uncaught error (default: written to stderr). */
  onCrash?: (report: string) => void;
  /** Port forwards (`toro dev -p HOST:GUEST`): a service listening on GUEST binds 127.0.0.1:HOST. */
  forwards?: ReadonlyArray<{ host: number; guest: number }>;
  /** The folder of embedded files (toro.json "files"), absolute; none embeds nothing. */
  filesDir?: string;
}

export interface MachineExit {
  code: number;
  /** The CPU whose uncaught error stopped the machine. */
  crashedCpu?: number;
}

export interface Machine {
  readonly exited: Promise<MachineExit>;
  /** Stops the machine from outside (Ctrl-C) with `code`. */
  stop(code: number): void;
}

/** Node of each CPU: `nodes` contiguous blocks, the first `cpus % nodes` one CPU larger (as toro run). */
export function nodeOfEachCpu(cpus: number, nodes: number): number[] {
  const out: number[] = [];
  for (let node = 0; node < nodes; node++) {
    const size = Math.floor(cpus / nodes) + (node < cpus % nodes ? 1 : 0);
    for (let i = 0; i < size; i++) out.push(node);
  }
  return out;
}

export function startMachine(opts: MachineOptions): Machine {
  const n = opts.cpus;
  const numa = opts.numa ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 255) throw new RangeError(`cpus must be 1 to 255, got ${n}`);
  if (!Number.isInteger(numa) || numa < 1 || numa > n) {
    throw new RangeError(`numa must be 1 to the number of CPUs (${n}), got ${numa}`);
  }
  const nodes = nodeOfEachCpu(n, numa);
  const ports: Array<Array<MessagePort | null>> = Array.from({ length: n }, () => new Array(n).fill(null));
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const link = new MessageChannel();
      ports[a][b] = link.port1;
      ports[b][a] = link.port2;
    }
  }

  let owner = 0;
  let stopping = false;
  const shared = new SharedPorts();
  let resolveExit: (e: MachineExit) => void = () => {};
  const exited = new Promise<MachineExit>((r) => {
    resolveExit = r;
  });
  const counts = new Array<number | undefined>(n).fill(undefined);
  let countsDone: () => void = () => {};
  let drainedDone: () => void = () => {};

  const workers = ports.map((row, cpu) => {
    const start: CpuStart = {
      cpu,
      nodes,
      ports: row,
      writeConsole: !opts.onOutput,
      forwards: (opts.forwards ?? []).map((f) => ({ host: f.host, guest: f.guest })),
    };
    if (opts.filesDir !== undefined) start.filesDir = opts.filesDir;
    const transfer = row.filter((p): p is MessagePort => p !== null);
    const w = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: start,
      transferList: transfer,
    });
    w.on('message', (m: FromCpu) => onCpu(m));
    w.on('error', (e) => void stop(1, { cpu, report: e.stack ?? String(e) }));
    w.on('exit', () => {
      if (!stopping) void stop(1, { cpu, report: `CPU ${cpu} stopped unexpectedly` });
    });
    return w;
  });
  const send = (cpu: number, m: ToCpu): void => workers[cpu].postMessage(m);

  function onCpu(m: FromCpu): void {
    switch (m.k) {
      case 'exit':
        return void stop(m.code);
      case 'crash':
        return void stop(1, { cpu: m.cpu, report: m.report });
      case 'dedicate':
        if (stopping) return;
        if (m.resource === 'console') owner = m.cpu;
        for (let cpu = 0; cpu < n; cpu++) send(cpu, { k: 'owner', resource: m.resource, cpu: m.cpu });
        return;
      case 'count':
        counts[m.cpu] = m.lines;
        if (counts.every((c) => c !== undefined)) countsDone();
        return;
      case 'drained':
        drainedDone();
        return;
      case 'out':
        opts.onOutput?.(m.fd, m.text);
        return;
      case 'share':
        void shared.join(m.cpu, m.host, m.port, m.backlog, m.member).then((answer) => {
          if (!stopping) send(m.cpu, { k: 'shared', req: m.req, answer });
        });
        return;
      case 'unshare':
        shared.leave(m.cpu, m.host, m.port, m.member);
        return;
    }
  }

  async function stop(code: number, crash?: { cpu: number; report: string }): Promise<void> {
    if (stopping) return;
    stopping = true;
    const waitAtMost = (register: (done: () => void) => void): Promise<void> =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STOP_WAIT_MS);
        register(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    await waitAtMost((done) => {
      countsDone = done;
      for (let cpu = 0; cpu < n; cpu++) send(cpu, { k: 'quiesce' });
    });
    await waitAtMost((done) => {
      drainedDone = done;
      send(owner, { k: 'drain', expect: counts.map((c) => c ?? 0) });
    });
    if (crash) {
      const report = `toro: uncaught error on CPU ${crash.cpu}:\n${crash.report}`;
      if (opts.onCrash) opts.onCrash(report);
      else process.stderr.write(`${report}\n`);
    }
    await Promise.all(workers.map((w) => w.terminate()));
    shared.closeAll();
    resolveExit({ code, crashedCpu: crash?.cpu });
  }

  send(0, { k: 'main', url: opts.entryUrl });
  return { exited, stop: (code) => void stop(code) };
}
