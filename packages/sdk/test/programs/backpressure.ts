// A fast sender against a slow receiver on another CPU: the sender must wait for room.
import { type Channel, channel, cpus, type Main, sleep, spawnOn } from '@toro/sdk';

export async function slowReceiver(input: Channel<number>, delayMs: number): Promise<number[]> {
  const got: number[] = [];
  for await (const v of input) {
    got.push(v);
    await sleep(delayMs);
  }
  return got;
}

const main: Main = async () => {
  const ch = channel<number>(3);
  const rx = spawnOn(cpus().length - 1, slowReceiver, ch, 30);
  const sendTimes: number[] = [];
  const start = Date.now();
  for (let i = 0; i < 12; i++) {
    await ch.send(i);
    sendTimes.push(Date.now() - start);
  }
  ch.close();
  const got = await rx.join();
  console.log(`received ${got.join(',')}`);
  console.log(`send-times ${sendTimes.join(',')}`);
  return 0;
};
export default main;
