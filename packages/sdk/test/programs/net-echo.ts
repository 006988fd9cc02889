// Sockets on the node backend: listens on 127.0.0.1 (a port the system picks), prints it, and echoes
// every connection until its peer half-closes; `quit\n` as a connection's first bytes ends the program.
// A failed connect, a UDP round trip and moving net0 to CPU 1 print their outcome first.
import { connect, dedicate, listen, type Main, networkCpu, SocketError, udpSocket } from '@toro/sdk';

const main: Main = async () => {
  const before = networkCpu();
  await dedicate('net0', 1);
  console.log(`network cpu ${before} then ${networkCpu()}`);
  try {
    await connect('127.0.0.1', 1);
    console.log('connect to port 1: connected?');
  } catch (e) {
    console.log(`connect to port 1: ${e instanceof SocketError ? e.code : 'not a SocketError'}`);
  }
  const a = await udpSocket();
  const b = await udpSocket();
  await a.send('datagram', '127.0.0.1', b.port);
  const d = await b.receive();
  console.log(`udp: ${new TextDecoder().decode(d.data)} from port ${d.port === a.port ? 'a' : d.port}`);
  a.close();
  b.close();
  const l = await listen(0);
  console.log(`listening ${l.port}`);
  for await (const c of l) {
    let first = true;
    for (;;) {
      const chunk = await c.read();
      if (chunk === undefined) break;
      if (first && new TextDecoder().decode(chunk) === 'quit\n') {
        c.close();
        await l.close();
        return 0;
      }
      first = false;
      await c.write(chunk);
    }
    await c.end();
  }
  return 1;
};
export default main;
