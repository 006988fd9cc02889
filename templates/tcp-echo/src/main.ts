// A TCP echo server on port 7: every byte a client sends comes back, until it ends its side.
//
// The network device and the TCP/IP stack belong to one CPU, networkCpu() (CPU 0 unless
// dedicate('net0', cpu) moves it). The server listens and serves on another CPU when there is one:
// its socket calls reach the network CPU through the message matrix, so the stack's CPU does nothing
// but the network. Each connection is a thread of the serving CPU.
import { type Connection, cpus, currentCpu, listen, type Main, networkCpu, spawn, spawnOn } from '@toro/sdk';

const PORT = 7;

async function echo(c: Connection): Promise<void> {
  try {
    for await (const chunk of c) await c.write(chunk);
    await c.end();
  } catch (e) {
    console.log(`echo: ${c.remoteAddress}:${c.remotePort}: ${(e as Error).message}`);
  }
  c.close();
}

/** Listens on port 7 and echoes every connection in a thread of its own. */
export async function serve(): Promise<number> {
  const listener = await listen(PORT);
  console.log(`echo: listening on port ${listener.port} on CPU ${currentCpu()} (network on CPU ${networkCpu()})`);
  for await (const c of listener) spawn(echo, c);
  return 0;
}

const main: Main = async () => {
  const all = cpus();
  const worker = all.find((cpu) => cpu.id !== networkCpu());
  if (worker === undefined) return await serve();
  return await spawnOn(worker.id, serve).join();
};

export default main;
