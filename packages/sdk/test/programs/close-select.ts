// close: queued messages drain, then done; sending on a closed channel fails, also for a waiting sender.
// select: takes every message of several channels fed from several CPUs, none lost, none twice.
import {
  type Channel,
  ChannelClosedError,
  channel,
  cpus,
  type Main,
  select,
  spawn,
  spawnOn,
  yieldNow,
} from '@toro/sdk';

export async function feed(out: Channel<number>, base: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await out.send(base + i);
  out.close();
}

const main: Main = async () => {
  const ch = channel<string>(5);
  for (const s of ['a', 'b', 'c']) await ch.send(s);
  ch.close();
  const drained: string[] = [];
  for await (const s of ch) drained.push(s);
  console.log(`drained ${drained.join('')} then ${JSON.stringify(await ch.recv())}`);
  try {
    await ch.send('d');
  } catch (e) {
    console.log(`send after close: ${e instanceof ChannelClosedError}`);
  }
  const full = channel<number>(1);
  await full.send(1);
  const waiting = spawn(async () => {
    try {
      await full.send(2);
      return 'sent';
    } catch (e) {
      return e instanceof ChannelClosedError ? 'closed' : 'other';
    }
  });
  await yieldNow();
  full.close();
  console.log(`waiting sender: ${await waiting.join()}`);

  const n = cpus().length;
  const inputs = cpus().map(() => channel<number>(2));
  for (const c of cpus()) spawnOn(c.id, feed, inputs[c.id], c.id * 1000, 500);
  const open = [...inputs];
  const seen = new Set<number>();
  let dupes = 0;
  while (open.length > 0) {
    const r = await select(open);
    if (r.done) open.splice(r.index, 1);
    else if (seen.has(r.value)) dupes++;
    else seen.add(r.value);
  }
  console.log(`select got ${seen.size} of ${n * 500}, duplicates ${dupes}`);
  return 0;
};
export default main;
