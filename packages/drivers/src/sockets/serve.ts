/**
 * The SDK's `serve` in a compiled image: @toro/http's server on the image's sockets (./index.ts) and
 * threads, as packages/sdk/src/serve.ts runs it on the Node backend's — the same server both ways. The
 * compiler's SDK declaration re-exports this module's names (SDK_HTTP_MODULE in
 * packages/toolchain/src/compiler/frontend/sdk.ts), so only a service that uses them compiles HTTP in.
 */
import {
  type Handler,
  type HttpListener,
  type ServeOptions,
  type ServePlatform,
  type Server,
  serveOn,
} from '@toro/http';
import { channel, sleep, spawn } from '@toro/sdk';
import { listen } from './index.js';

export {
  type Handler,
  Headers,
  type HeadersInit,
  type Params,
  Request,
  type RequestInit,
  Response,
  type ResponseInit,
  type RouteHandler,
  Router,
  type ServeOptions,
  type Server,
  type StaticOptions,
  serveStatic,
  URL,
  URLSearchParams,
  type URLSearchParamsInit,
} from '@toro/http';

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
    // A channel nothing is sent on: a receive returns once it is closed (and a closed, drained channel
    // is dropped by its home).
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
export async function serve(options: ServeOptions, handler: Handler): Promise<Server> {
  return await serveOn(platform, options, handler);
}
