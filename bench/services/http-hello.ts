// The HTTP hello the HTTP bench serves, as ../shared/baseline's Linux servers do: a 16-byte text body
// on port 80 for every GET. With two CPUs or more the server runs on CPU 1 and the stack on CPU 0.
import { cpus, type Main, networkCpu, Response, serve, spawnOn } from '@toro/sdk';

export async function serveHello(): Promise<void> {
  const server = await serve(
    { port: 80 },
    () => new Response('hello from toro\n', { headers: { 'content-type': 'text/plain' } }),
  );
  console.log(`http-hello: listening on port ${server.port}`);
  await server.stopped();
}

const main: Main = async () => {
  const n = cpus().length;
  if (n === 1) await serveHello();
  else await spawnOn((networkCpu() + 1) % n, serveHello).join();
  return 0;
};

export default main;
