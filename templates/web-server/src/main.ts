// {{name}}: a JSON API on port 80. The network device and the TCP/IP stack belong to networkCpu()
// (CPU 0); the HTTP server runs on CPU 1 when there is one, and the items live in a store thread on
// the last CPU (CPU 0 with fewer than 3), which the handlers reach through a channel from any CPU.
import { type Channel, channel, cpus, type Main, networkCpu, serve, spawnOn } from '@toro/sdk';
import { api } from './api.js';
import { runStore, StoreClient, type StoreRequest } from './store.js';

const PORT = 80;

/** Serves the API on this CPU until the server is shut down. */
export async function serveApi(requests: Channel<StoreRequest>): Promise<void> {
  const app = api(new StoreClient(requests));
  const server = await serve({ port: PORT }, app.fetch);
  console.log(`{{name}}: listening on port ${server.port}`);
  await server.stopped();
}

const main: Main = async () => {
  const n = cpus().length;
  const serverCpu = n > 1 ? (networkCpu() + 1) % n : 0;
  const storeCpu = n > 2 ? n - 1 : 0;
  console.log(`{{name}}: ${n} CPU(s): network on CPU ${networkCpu()}, HTTP on CPU ${serverCpu}, store on CPU ${storeCpu}`);
  const requests = channel<StoreRequest>(16);
  const store = spawnOn(storeCpu, runStore, requests);
  await spawnOn(serverCpu, serveApi, requests).join();
  requests.close();
  await store.join();
  return 0;
};

export default main;
