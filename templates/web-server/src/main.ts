// {{name}}: a JSON API on port 80. The network device and the TCP/IP stack belong to networkCpu()
// (CPU 0). Every other CPU serves HTTP: each listens on port 80 with reusePort and takes its share of
// the connections (CPU 0 serves when it is the only one). The items live in a store thread on the last
// CPU, which the handlers reach through a channel from any CPU.
import { type Channel, channel, cpus, currentCpu, type Main, networkCpu, serve, spawnOn } from '@toro/sdk';
import { api } from './api.js';
import { runStore, StoreClient, type StoreRequest } from './store.js';

const PORT = 80;

/** Serves the API on this CPU until the server is shut down; says so on `ready` once it listens. */
export async function serveApi(requests: Channel<StoreRequest>, ready: Channel<number>): Promise<void> {
  const app = api(new StoreClient(requests));
  const server = await serve({ port: PORT, reusePort: true }, app.fetch);
  await ready.send(currentCpu());
  await server.stopped();
}

const main: Main = async () => {
  const all = cpus().map((c) => c.id);
  const httpCpus = all.length > 1 ? all.filter((c) => c !== networkCpu()) : all;
  const storeCpu = all.length - 1;
  console.log(
    `{{name}}: ${all.length} CPU(s): network on CPU ${networkCpu()}, HTTP on CPU${httpCpus.length > 1 ? 's' : ''} ${httpCpus.join(', ')}, store on CPU ${storeCpu}`,
  );
  const requests = channel<StoreRequest>(16);
  const store = spawnOn(storeCpu, runStore, requests);
  const ready = channel<number>(all.length);
  const servers = httpCpus.map((cpu) => spawnOn(cpu, serveApi, requests, ready));
  for (let i = 0; i < servers.length; i++) await ready.recv();
  console.log(`{{name}}: listening on port ${PORT}`);
  for (const s of servers) await s.join();
  requests.close();
  await store.join();
  return 0;
};

export default main;
