// The console moves to another CPU while every CPU prints; then a worker CPU calls exit(3). Every line
// printed before the exit appears, whole, and each CPU's lines in order.
import { cpus, currentCpu, dedicate, exit, type Main, spawnOn, yieldNow } from '@toro/sdk';

const LINES = 300;

export async function chatter(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    console.log(`cpu ${currentCpu()} line ${i} ${'x'.repeat(100)}`);
    if (i % 50 === 0) await yieldNow();
  }
}

export async function quit(code: number): Promise<void> {
  console.log(`cpu ${currentCpu()} calls exit(${code})`);
  exit(code);
}

const main: Main = async () => {
  const n = cpus().length;
  const threads = cpus().map((c) => spawnOn(c.id, chatter, LINES));
  await dedicate('console', n - 1);
  for (const t of threads) await t.join();
  await spawnOn(n > 1 ? 1 : 0, quit, 3).join();
  console.log('main: not reached');
  return 0;
};
export default main;
