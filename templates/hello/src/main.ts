import { type Channel, channel, cpus, currentCpu, type Main, numaNodes, spawnOn } from '@toro/sdk';

/** What each worker sends back: its share of the computation and where it ran. */
interface Share {
  worker: number;
  cpu: number;
  from: number;
  to: number;
  sum: number;
}

/** The numbers whose squares the service adds up, shared out between the CPUs. */
const LIMIT = 100_000;

/**
 * Runs on another CPU, in that CPU's own copy of this module: it gets copies of its arguments (the channel
 * is the same channel) and sends its result back. A function that runs on another CPU must be a top-level
 * `export function` like this one.
 */
export async function worker(id: number, from: number, to: number, results: Channel<Share>): Promise<void> {
  let sum = 0;
  for (let i = from; i < to; i++) sum += i * i;
  await results.send({ worker: id, cpu: currentCpu(), from, to, sum });
}

/** The service's entry point: it runs on CPU 0 once the machine is up; what it returns is the exit code. */
const main: Main = async () => {
  console.log('Hello from {{name}}!');
  const all = cpus();
  for (const node of numaNodes()) console.log(`node ${node.id}: CPU ${node.cpus.join(', ')}`);

  // One worker per CPU, each with a contiguous share of 0..LIMIT-1.
  const results = channel<Share>(all.length);
  const step = Math.ceil(LIMIT / all.length);
  for (const cpu of all) {
    const from = cpu.id * step;
    spawnOn(cpu.id, worker, cpu.id, from, Math.min(from + step, LIMIT), results);
  }

  const shares: Share[] = [];
  for (let i = 0; i < all.length; i++) {
    const r = await results.recv();
    if (!r.done) shares.push(r.value);
  }
  shares.sort((a, b) => a.worker - b.worker);
  let total = 0;
  for (const s of shares) {
    console.log(`worker ${s.worker} on CPU ${s.cpu}: squares of ${s.from}..${s.to - 1} add up to ${s.sum}`);
    total += s.sum;
  }
  console.log(`sum of squares below ${LIMIT}: ${total}`);
  return 0;
};

export default main;
