// 100,000 messages over every ordered pair of CPUs (a CPU to itself included): each receiver owns its
// channel (so the traffic really goes from CPU a to CPU b) and checks per-sender order and completeness.
import { type Channel, channel, cpus, currentCpu, type Main, spawnOn } from '@toro/sdk';

const TOTAL = 100_000;

export async function receiver(
  senders: number,
  perSender: number,
  mine: Channel<Channel<number>>,
): Promise<string> {
  const inbox = channel<number>(64);
  await mine.send(inbox);
  const next = new Array<number>(senders).fill(0);
  let bad = 0;
  for (let i = 0; i < senders * perSender; i++) {
    const r = await inbox.recv();
    if (r.done) return `CPU ${currentCpu()}: closed early`;
    const src = Math.floor(r.value / 1_000_000);
    const seq = r.value % 1_000_000;
    if (seq !== next[src]) bad++;
    next[src] = seq + 1;
  }
  return `CPU ${currentCpu()}: ${next.join(',')} out-of-order ${bad}`;
}

export async function sender(inboxes: Channel<number>[], perTarget: number): Promise<void> {
  const me = currentCpu();
  for (let seq = 0; seq < perTarget; seq++) {
    for (const inbox of inboxes) await inbox.send(me * 1_000_000 + seq);
  }
}

const main: Main = async () => {
  const n = cpus().length;
  const per = Math.floor(TOTAL / (n * n));
  const mine = channel<Channel<number>>(n);
  const receivers = cpus().map((c) => spawnOn(c.id, receiver, n, per, mine));
  const inboxes = new Array<Channel<number>>(n);
  for (let i = 0; i < n; i++) {
    const r = await mine.recv();
    if (!r.done) inboxes[r.value.home] = r.value;
  }
  for (const c of cpus()) spawnOn(c.id, sender, inboxes, per);
  for (const r of receivers) console.log(await r.join());
  console.log(`messages ${per * n * n}`);
  return 0;
};
export default main;
