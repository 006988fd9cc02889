// An uncaught error on a worker CPU: reported with its CPU and stack, the machine stops with code 1.
import { cpus, type Main, sleep, spawnOn } from '@toro/sdk';

export function explode(depth: number): number {
  if (depth === 0) throw new Error('kaboom on purpose');
  return explode(depth - 1) + 1;
}

export async function worker(): Promise<number> {
  console.log('worker: about to fail');
  await sleep(1);
  return explode(2);
}

const main: Main = async () => {
  console.log('main: starting');
  await spawnOn(cpus().length - 1, worker).join();
  console.log('main: not reached');
  return 0;
};
export default main;
