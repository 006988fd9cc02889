/**
 * `Request` and `Response` as the Fetch standard has them, as far as a server handler uses them: the
 * method, URL and headers of a request; a response's status, headers, `Response.json` and
 * `Response.redirect`; and for both the standard's Body mixin (`text`, `json`, `bytes`, `arrayBuffer`,
 * `bodyUsed`) over a body held whole (a string, bytes or nothing). A body is read once: a second read
 * is a TypeError, as in the standard.
 */
import { Headers, type HeadersInit } from './headers.js';

/** What a body can be made from. */
export type BodyInit = string | Uint8Array | null;

/** The Body mixin: the bytes, read once. */
class Body {
  private readonly content: Uint8Array;
  private used = false;

  constructor(body: BodyInit) {
    if (body === null) this.content = new Uint8Array(0);
    else if (typeof body === 'string') this.content = new TextEncoder().encode(body);
    else this.content = body.slice();
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(new TextDecoder().decode(this.take()));
  }

  async bytes(): Promise<Uint8Array> {
    return this.take().slice();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.take().slice().buffer as ArrayBuffer;
  }

  /** The body's bytes for the server that sends them (does not mark the body used). */
  bodyBytes(): Uint8Array {
    return this.content;
  }

  private take(): Uint8Array {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.content;
  }
}

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit;
}

export class Request extends Body {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;

  constructor(url: string, init?: RequestInit) {
    super(init?.body ?? null);
    this.url = url;
    this.method = init?.method ?? 'GET';
    this.headers = new Headers(init?.headers);
  }
}

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export class Response extends Body {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;

  constructor(body?: BodyInit, init?: ResponseInit) {
    const b = body ?? null;
    const status = init?.status ?? 200;
    if (!(status >= 200 && status <= 599) || Math.floor(status) !== status)
      throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
    if (b !== null && (status === 204 || status === 205 || status === 304))
      throw new TypeError(`Response constructor: Invalid response status code ${status}`);
    super(b);
    this.status = status;
    this.statusText = init?.statusText ?? '';
    this.headers = new Headers(init?.headers);
    if (typeof b === 'string' && !this.headers.has('content-type'))
      this.headers.set('content-type', 'text/plain;charset=UTF-8');
  }

  /** A response whose body is `data` as JSON, with `Content-Type: application/json`. */
  static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const headers = new Headers(init?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new Response(text, { status: init?.status ?? 200, statusText: init?.statusText ?? '', headers });
  }

  /** A redirect to `url` (301, 302, 303, 307 or 308). */
  static redirect(url: string, status = 302): Response {
    if (status !== 301 && status !== 302 && status !== 303 && status !== 307 && status !== 308)
      throw new RangeError(`Invalid status code ${status}`);
    return new Response(null, { status, headers: [['location', url]] });
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }
}
