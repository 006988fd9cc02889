/**
 * One HTTP/1.1 connection served (RFC 9112 §9): requests parsed in order as bytes arrive, each handed to
 * the handler as a `Request`, its `Response` written back with `Date`, `Server` and the framing, for as
 * long as the connection is kept alive. Pipelined requests are answered in order. A request the parser
 * refuses gets its status (400, 413, 414, 417, 431, 501, 505) and the connection is closed; a client
 * that stops mid-request gets 408; a handler that throws gives 500 and a log line with its stack, and
 * the connection goes on. Written against `HttpConnection`, which the SDK's sockets provide on both
 * backends (and a test's fake).
 */
import { type HttpLimits, resolveLimits } from './limits.js';
import { Request, Response } from './message.js';
import { type ParsedRequest, RequestParser } from './request-parser.js';
import { bodiless, continueLine, httpDate, reasonPhrase, serializeHead } from './response.js';

/** The byte stream a server reads requests from and writes answers to. */
export interface HttpConnection {
  /** Half-closes: the peer sees the end of the stream after what was written (before `close`). */
  end(): Promise<void>;
  /** The next bytes; undefined when the peer ended its side. Rejects with code 'ETIMEDOUT' after a timeout. */
  read(): Promise<Uint8Array | undefined>;
  write(data: Uint8Array): Promise<void>;
  close(): void;
  /** Makes a pending or later read reject with 'ETIMEDOUT' after `ms` without traffic (0: never). */
  setTimeout(ms: number): void;
}

/** What answers a request. */
export type Handler = (request: Request) => Response | Promise<Response>;

export interface ServeConnectionOptions {
  limits?: Partial<HttpLimits>;
  /** Read inactivity before an unfinished request gets 408 and an idle connection is closed (default 10 s). */
  timeoutMs?: number;
  /**
   * The most a request's head may take from its first byte to its last (default 10 s): past it, 408, however
   * steadily the bytes trickle in (a client that sends one byte a second never trips `timeoutMs`); 0: no limit.
   */
  headerTimeoutMs?: number;
  /** The `Server` header's value ('' for none; default 'Toro'). */
  server?: string;
  /** Milliseconds since 1970, for `Date` (the SDK passes its clock). */
  now: () => number;
  /** Milliseconds on a clock for the header timeout (default: `now`). */
  clock?: () => number;
  /** Where error lines (and access lines, with `accessLog`) go. */
  log: (line: string) => void;
  /** One line per answered request: `remote "METHOD target version" status bytes`. */
  accessLog?: boolean;
  /** The peer, for the access log. */
  remote?: string;
  /** Whether the server is shutting down: the request being served is the connection's last. */
  stopping?: () => boolean;
  /** Told `true` when the connection waits for a new request, `false` when its first bytes come. */
  idle?: (idle: boolean) => void;
}

/** Serves `conn` until the client or the protocol ends it; never throws. */
export async function serveConnection(
  conn: HttpConnection,
  handler: Handler,
  options: ServeConnectionOptions,
): Promise<void> {
  const limits: HttpLimits = resolveLimits(options.limits);
  const parser = new RequestParser(limits);
  const idleMs = options.timeoutMs ?? 10_000;
  const headMs = options.headerTimeoutMs ?? 10_000;
  const clock = options.clock ?? options.now;
  conn.setTimeout(idleMs);
  try {
    for (;;) {
      let r = parser.next();
      const waiting = r.type === 'more' && !parser.midRequest;
      if (waiting) options.idle?.(true);
      /** When the head being received began arriving (-1: none is). */
      let headSince = -1;
      while (r.type === 'more') {
        let data: Uint8Array | undefined;
        if (parser.inHead && headMs > 0) {
          if (headSince < 0) headSince = clock();
          const left = headSince + headMs - clock();
          if (left <= 0) {
            await writeError(conn, 408, options);
            await finish(conn);
            return;
          }
          conn.setTimeout(idleMs === 0 ? left : Math.min(idleMs, left));
        } else if (headSince >= 0) {
          headSince = -1;
          conn.setTimeout(idleMs);
        }
        try {
          data = await conn.read();
          if (waiting) options.idle?.(false);
        } catch (e) {
          const timedOut = (e as { code?: string }).code === 'ETIMEDOUT';
          if (timedOut && parser.midRequest) await writeError(conn, 408, options);
          conn.close();
          return;
        }
        if (data === undefined) {
          conn.close();
          return;
        }
        parser.push(data);
        r = parser.next();
      }
      if (r.type === 'continue') {
        await conn.write(continueLine());
        continue;
      }
      if (r.type === 'error') {
        await writeError(conn, r.status, options);
        await finish(conn);
        return;
      }
      if (headSince >= 0) conn.setTimeout(idleMs);
      const parsed = r.request;
      const response = await answer(handler, parsed, options);
      const last = !parsed.keepAlive || options.stopping?.() === true;
      const sent = await writeResponse(conn, parsed, response, last, options);
      if (options.accessLog === true)
        options.log(
          `${options.remote ?? '-'} "${parsed.method} ${parsed.target} ${parsed.version}" ${response.status} ${sent}`,
        );
      if (last) {
        await finish(conn);
        return;
      }
    }
  } catch (_e) {
    // The connection failed under a write (reset, closed): nothing is left to answer.
    conn.close();
  }
}

/** Ends the stream after the last answer, so the peer reads all of it, then closes. */
async function finish(conn: HttpConnection): Promise<void> {
  try {
    await conn.end();
  } catch (_e) {
    // Already gone.
  }
  conn.close();
}

/** The handler's response, or a 500 (and a log line with the stack) when it throws or returns no Response. */
async function answer(
  handler: Handler,
  parsed: ParsedRequest,
  options: ServeConnectionOptions,
): Promise<Response> {
  try {
    const response = await handler(toRequest(parsed));
    if (response instanceof Response) return response;
    options.log(
      `http: ${parsed.method} ${parsed.target}: the handler returned something that is not a Response`,
    );
  } catch (e) {
    const stack = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    options.log(`http: ${parsed.method} ${parsed.target}: ${stack}`);
  }
  return plain(500);
}

function toRequest(p: ParsedRequest): Request {
  let host = 'localhost';
  for (const [name, value] of p.headers) if (name.toLowerCase() === 'host' && value !== '') host = value;
  const url = p.target.startsWith('/') ? `http://${host}${p.target}` : p.target;
  const hasBody = p.body.length > 0 && p.method !== 'GET' && p.method !== 'HEAD';
  return new Request(url, { method: p.method, headers: p.headers, body: hasBody ? p.body : null });
}

/** Head and body as one write; a HEAD request gets the head only. Returns the body bytes sent. */
async function writeResponse(
  conn: HttpConnection,
  parsed: ParsedRequest | null,
  response: Response,
  close: boolean,
  options: ServeConnectionOptions,
): Promise<number> {
  const body = bodiless(response.status) ? new Uint8Array(0) : response.bodyBytes();
  const headers: [string, string][] = [];
  const server = options.server ?? 'Toro';
  if (!response.headers.has('date')) headers.push(['Date', httpDate(options.now())]);
  if (server !== '' && !response.headers.has('server')) headers.push(['Server', server]);
  for (const f of response.headers.fields()) headers.push(f);
  const head = serializeHead(
    { status: response.status, statusText: response.statusText, headers },
    { length: body.length },
    close,
    parsed !== null && parsed.version === 'HTTP/1.0',
  );
  const withBody = parsed === null || parsed.method !== 'HEAD';
  const n = withBody ? body.length : 0;
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  if (n > 0) out.set(body, head.length);
  await conn.write(out);
  return n;
}

/** A short text answer for a status the server gives itself. */
function plain(status: number): Response {
  return new Response(`${status} ${reasonPhrase(status)}\n`, {
    status,
    headers: [['content-type', 'text/plain; charset=utf-8']],
  });
}

async function writeError(
  conn: HttpConnection,
  status: number,
  options: ServeConnectionOptions,
): Promise<void> {
  try {
    await writeResponse(conn, null, plain(status), true, options);
  } catch (_e) {
    // Already gone.
  }
}
