// A CPU-bound job split over every CPU (bench/sdk.bench.ts): the speed-up from 1 to 2 to 4 CPUs.
import { cpus, type Main, spawnOn, type Thread } from '@toro/sdk';

const TOTAL = 3_000_000;

export function work(from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.sqrt(i) * (i % 7);
  return sum;
}

const main: Main = async () => {
  const n = cpus().length;
  const step = Math.ceil(TOTAL / n);
  const t0 = Date.now();
  const parts: Thread<number>[] = [];
  for (let cpu = 0; cpu < n; cpu++)
    parts.push(spawnOn(cpu, work, cpu * step, Math.min(TOTAL, (cpu + 1) * step)));
  let sum = 0;
  for (const p of parts) sum += await p.join();
  const t1 = Date.now();
  console.log(`result sum=${sum.toFixed(0)}`);
  console.log(`result ms=${t1 - t0}`);
  return 0;
};

export default main;
