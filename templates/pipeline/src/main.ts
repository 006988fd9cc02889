import { type Channel, channel, cpus, dedicate, type Main, sleep, spawnOn } from '@toro/sdk';

const COUNT = 20;
/** Messages each channel holds before its sender waits. */
const CAPACITY = 2;
/** How long the sink takes over each message, in milliseconds. */
const SINK_DELAY = 5;

/** Stage 1: sends 1..count, then closes. Returns how long that took, in milliseconds. */
export async function produce(count: number, out: Channel<number>): Promise<number> {
  const start = Date.now();
  for (let i = 1; i <= count; i++) await out.send(i);
  out.close();
  return Date.now() - start;
}

/** Stage 2: squares what it receives until its input is closed and drained. */
export async function square(input: Channel<number>, out: Channel<number>): Promise<void> {
  for await (const n of input) await out.send(n * n);
  out.close();
}

/** Stage 3: prints each result, slowly, on the CPU that owns the console. Returns the sum. */
export async function sink(input: Channel<number>, delayMs: number): Promise<number> {
  let sum = 0;
  let i = 0;
  for await (const v of input) {
    console.log(`sink: #${++i} = ${v}`);
    sum += v;
    await sleep(delayMs);
  }
  return sum;
}

/** The service's entry point: it runs on CPU 0 once the machine is up; what it returns is the exit code. */
const main: Main = async () => {
  const n = cpus().length;
  const [producerCpu, squarerCpu, sinkCpu] = [1 % n, 2 % n, 3 % n];
  console.log(`{{name}}: a 3-stage pipeline on ${n} CPU(s)`);
  console.log(`producer on CPU ${producerCpu}, squarer on CPU ${squarerCpu}, sink on CPU ${sinkCpu}`);
  await dedicate('console', sinkCpu);

  const numbers = channel<number>(CAPACITY);
  const squares = channel<number>(CAPACITY);
  const producer = spawnOn(producerCpu, produce, COUNT, numbers);
  const squarer = spawnOn(squarerCpu, square, numbers, squares);
  const printer = spawnOn(sinkCpu, sink, squares, SINK_DELAY);

  const producerMs = await producer.join();
  await squarer.join();
  const sum = await printer.join();
  const expected = (COUNT * (COUNT + 1) * (2 * COUNT + 1)) / 6;
  console.log(`sum of squares 1..${COUNT}: ${sum} (expected ${expected})`);
  // The producer's last send can only complete once the sink has taken all but what the channels and
  // the squarer hold; the sink pauses after each message, so back-pressure makes the producer that slow.
  const heldBack = (COUNT - 2 * CAPACITY - 3) * SINK_DELAY;
  console.log(`producer held back by the slow sink: ${producerMs >= heldBack / 2 ? 'yes' : 'no'}`);
  return sum === expected ? 0 : 1;
};

export default main;
