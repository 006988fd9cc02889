/**
 * HTTP: `serve(options, handler)` answers requests on a TCP port with the Web-standard `Request`,
 * `Response` and `Headers` that Bun, Deno and Cloudflare Workers use. The server itself is @toro/http's
 * (`serveOn`: HTTP/1.1 after RFC 9110/9112 with keep-alive, pipelining, chunked bodies, limits and
 * graceful shutdown); here it runs on this SDK's sockets and threads, as it runs on the image's in a
 * compiled service (packages/drivers/src/sockets/serve.ts), so a program answers the same both ways.
 *
 * Where it serves: connections are accepted and handled by threads of the CPU that called `serve` (to
 * serve on another CPU, call it from a function started there with `spawnOn`). Under `toro dev` the
 * port binds 127.0.0.1 unless `toro dev -p HOST:GUEST` maps it.
 */
import {
  type Handler,
  type HttpListener,
  type ServeOptions,
  type ServePlatform,
  type Server,
  serveOn,
} from '@toro/http';
import { channel } from './channel.js';
import { listen } from './net.js';
import { sleep, spawn } from './thread.js';

export type { ServeOptions, Server };

const platform: ServePlatform = {
  async listen(port, host, backlog, reusePort): Promise<HttpListener> {
    return await listen(port, { host, backlog, reusePort });
  },
  start(task) {
    spawn(task);
  },
  async sleep(ms) {
    await sleep(ms);
  },
  latch() {
    // A channel nothing is sent on: a receive returns once it is closed.
    const ch = channel<number>(1);
    let opened = false;
    return {
      async wait() {
        await ch.recv();
      },
      open() {
        if (!opened) ch.close();
        opened = true;
      },
    };
  },
  now: () => Date.now(),
  log: (line) => console.log(line),
};

/** Listens on `options.port` (default 80) and answers every request with `handler` until `shutdown()`. */
export function serve(options: ServeOptions, handler: Handler): Promise<Server> {
  return serveOn(platform, options, handler);
}
