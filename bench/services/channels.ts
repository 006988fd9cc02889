// Channel round trip and one-way throughput between CPU 0 and CPU 1 (bench/sdk.bench.ts).
import { type Channel, channel, cpus, type Main, spawnOn } from '@toro/sdk';

const TRIPS = 1000;
const ONE_WAY = 5000;

export function makeChannel(capacity: number): Channel<number> {
  return channel<number>(capacity);
}

export async function echo(input: Channel<number>, output: Channel<number>, count: number): Promise<number> {
  for (let i = 0; i < count; i++) {
    const r = await input.recv();
    if (r.done) break;
    await output.send(r.value);
  }
  return count;
}

export async function drain(input: Channel<number>, count: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const r = await input.recv();
    if (!r.done) sum += r.value;
  }
  return sum;
}

const main: Main = async () => {
  const other = cpus().length > 1 ? 1 : 0;
  // Both channels live on the other CPU, as a service's worker would own its inbox.
  const ping = await spawnOn(other, makeChannel, 1).join();
  const pong = channel<number>(1);
  const echoer = spawnOn(other, echo, ping, pong, TRIPS);
  const t0 = Date.now();
  for (let i = 0; i < TRIPS; i++) {
    await ping.send(i);
    await pong.recv();
  }
  const t1 = Date.now();
  await echoer.join();
  const inbox = await spawnOn(other, makeChannel, 64).join();
  const drainer = spawnOn(other, drain, inbox, ONE_WAY);
  const t2 = Date.now();
  for (let i = 0; i < ONE_WAY; i++) await inbox.send(i);
  await drainer.join();
  const t3 = Date.now();
  console.log(`result round_trip_us=${((t1 - t0) * 1000) / TRIPS}`);
  console.log(`result one_way_us=${((t3 - t2) * 1000) / ONE_WAY}`);
  return 0;
};

export default main;
