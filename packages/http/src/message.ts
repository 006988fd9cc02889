/**
 * `Request` and `Response` as the Fetch standard has them, as far as a server handler uses them: the
 * method, URL and headers of a request and its body read whole (`text`, `json`, `arrayBuffer`,
 * `bytes`); a response's status, headers and body (a string, bytes or nothing), `Response.json` and
 * `Response.redirect`. A body is read once: a second read is a TypeError, as in the standard.
 */
import { Headers, type HeadersInit } from './headers.js';

/** What a body can be made from. */
export type BodyInit = string | Uint8Array | null;

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** The body's bytes once; later reads throw (bodyUsed). */
class Body {
  private bytesOf: Uint8Array;
  bodyUsed = false;

  constructor(bytes: Uint8Array) {
    this.bytesOf = bytes;
  }

  take(): Uint8Array {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.bodyUsed = true;
    return this.bytesOf;
  }

  /** The bytes without consuming them (for the server that sends a response). */
  peek(): Uint8Array {
    return this.bytesOf;
  }
}

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit;
}

export class Request {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  private readonly body: Body;

  constructor(url: string, init?: RequestInit) {
    this.url = url;
    this.method = init?.method ?? 'GET';
    this.headers = new Headers(init?.headers);
    this.body = new Body(toBytes(init?.body ?? null));
  }

  get bodyUsed(): boolean {
    return this.body.bodyUsed;
  }

  async text(): Promise<string> {
    return utf8(this.body.take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(utf8(this.body.take()));
  }

  async bytes(): Promise<Uint8Array> {
    return this.body.take().slice();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.body.take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
}

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export class Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  private readonly body: Body;

  constructor(body?: BodyInit, init?: ResponseInit) {
    const status = init?.status ?? 200;
    if (!(status >= 200 && status <= 599) || Math.floor(status) !== status)
      throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
    this.status = status;
    this.statusText = init?.statusText ?? '';
    this.headers = new Headers(init?.headers);
    const b = body ?? null;
    if (b !== null && (status === 204 || status === 205 || status === 304))
      throw new TypeError(`Response constructor: Invalid response status code ${status}`);
    if (typeof b === 'string' && !this.headers.has('content-type'))
      this.headers.set('content-type', 'text/plain;charset=UTF-8');
    this.body = new Body(toBytes(b));
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

  get bodyUsed(): boolean {
    return this.body.bodyUsed;
  }

  async text(): Promise<string> {
    return utf8(this.body.take());
  }

  async json(): Promise<unknown> {
    return JSON.parse(utf8(this.body.take()));
  }

  async bytes(): Promise<Uint8Array> {
    return this.body.take().slice();
  }

  /** The body's bytes for the server to send (does not mark it used). */
  bodyBytes(): Uint8Array {
    return this.body.peek();
  }
}

function toBytes(b: BodyInit): Uint8Array {
  if (b === null) return new Uint8Array(0);
  if (typeof b === 'string') return new TextEncoder().encode(b);
  return b.slice();
}
