// A port shared by listens on two CPUs (reusePort) on the node backend: CPU 1 listens on a port the
// system picks, CPU 2 joins it, and a listen without reusePort on it is refused. Each connection is
// answered with the CPU that took it and the peer it sees, then echoed until the peer half-closes;
// `quit\n` ends the program.
import { type Channel, channel, currentCpu, listen, type Main, SocketError, spawnOn } from '@toro/sdk';

export async function member(port: number, ready: Channel<number>, quit: Channel<number>): Promise<void> {
  const l = await listen(port, { reusePort: true });
  await ready.send(l.port);
  for (;;) {
    const c = await l.accept();
    if (c === undefined) return;
    await c.write(`cpu ${currentCpu()} peer ${c.remoteAddress}:${c.remotePort} local ${c.localPort}\n`);
    for (;;) {
      const chunk = await c.read();
      if (chunk === undefined) break;
      if (new TextDecoder().decode(chunk) === 'quit\n') await quit.send(0);
      await c.write(chunk);
    }
    await c.end();
  }
}

const main: Main = async () => {
  const ready = channel<number>(2);
  const quit = channel<number>(1);
  spawnOn(1, member, 0, ready, quit);
  const first = await ready.recv();
  const port = first.done ? 0 : first.value;
  spawnOn(2, member, port, ready, quit);
  await ready.recv();
  try {
    await listen(port);
    console.log('plain listen: listening?');
  } catch (e) {
    console.log(`plain listen: ${e instanceof SocketError ? e.code : 'not a SocketError'}`);
  }
  console.log(`listening ${port}`);
  await quit.recv();
  return 0;
};
export default main;
