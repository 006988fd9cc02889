/**
 * An incremental HTTP/1.1 request parser (RFC 9112) for a server: bytes go in as they arrive (`push`),
 * requests come out one at a time in order (`next`), so pipelined requests are answered in order. Every
 * limit (./limits.ts) and every framing the RFC calls an error gets the status to answer with, after
 * which the connection is closed (the parser stays failed): 400 for malformed syntax and the request
 * smuggling shapes (Content-Length with Transfer-Encoding, differing Content-Lengths, obs-fold, a bare
 * CR, whitespace before a field's colon, a missing or repeated Host), 413, 414, 417, 431, 501 for a
 * transfer coding other than chunked, 505 for a major version other than 1.
 */
import { BodyBuffer } from './body.js';
import {
  COLON,
  CR,
  HTAB,
  indexOf,
  isFieldValueChar,
  isToken,
  isTokenChar,
  LF,
  latin1,
  lineEnd,
  listElements,
  lowerAscii,
  SP,
  trimOws,
} from './bytes.js';
import { ChunkedDecoder } from './chunked.js';
import { type HttpLimits, resolveLimits } from './limits.js';

/** A request as the parser read it. */
export interface ParsedRequest {
  method: string;
  /** The request-target as sent: origin-form (`/path?query`), absolute-form, authority-form or `*`. */
  target: string;
  /** `HTTP/1.0` or `HTTP/1.1` (a later 1.x minor version is read as 1.1). */
  version: string;
  /** The header fields in arrival order, names as sent, values without surrounding whitespace. */
  headers: [string, string][];
  body: Uint8Array;
  /** Whether the connection stays open after the answer (RFC 9112 §9.3). */
  keepAlive: boolean;
  /** The client sent `Expect: 100-continue` (HTTP/1.1). */
  expectContinue: boolean;
}

/** What `next()` found. */
export type ParseResult =
  | { type: 'more' }
  | { type: 'continue' }
  | { type: 'request'; request: ParsedRequest }
  | { type: 'error'; status: number; message: string };

const MORE: ParseResult = { type: 'more' };
const CONTINUE: ParseResult = { type: 'continue' };

/** Leading empty lines ignored before a request line (RFC 9112 §2.2 asks for at least one). */
const MAX_LEADING_EMPTY_LINES = 8;

/** Where the parser is. */
const HEAD = 0;
const LENGTH_BODY = 1;
const CHUNKED_BODY = 2;
const FAILED = 3;

export class RequestParser {
  private readonly limits: HttpLimits;
  /** Bytes received: empty until the first arrive (an idle connection holds none), then grown by doubling. */
  private buf = new Uint8Array(0);
  private start = 0;
  private end = 0;
  /** Where the search for the head's end resumes (bytes before it hold no end). */
  private scan = 0;
  private state = HEAD;
  private failure: ParseResult = MORE;
  private head: ParsedRequest | null = null;
  private remaining = 0;
  private body = new BodyBuffer();
  private chunked: ChunkedDecoder | null = null;
  private continueSent = false;

  constructor(limits?: Partial<HttpLimits>) {
    this.limits = resolveLimits(limits);
  }

  /** Bytes received and not yet consumed by a request. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Whether a request has begun arriving and is not complete (a timeout then is a 408). */
  get midRequest(): boolean {
    return this.state === LENGTH_BODY || this.state === CHUNKED_BODY || this.end > this.start;
  }

  /** Whether part of a request's head has arrived and not all of it (the header timeout runs). */
  get inHead(): boolean {
    return this.state === HEAD && this.end > this.start;
  }

  /** Appends bytes from the connection. */
  push(data: Uint8Array): void {
    if (this.state === FAILED || data.length === 0) return;
    if (this.end + data.length > this.buf.length) {
      const live = this.end - this.start;
      let size = Math.max(this.buf.length, 1024);
      while (size < live + data.length) size *= 2;
      const next = size === this.buf.length ? this.buf : new Uint8Array(size);
      next.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = next;
      this.scan -= this.start;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(data, this.end);
    this.end += data.length;
  }

  /** The next complete request, a 100-continue to send first, a need for more bytes, or the error. */
  next(): ParseResult {
    if (this.state === FAILED) return this.failure;
    if (this.state === HEAD) {
      const r = this.readHead();
      if (r !== null) return r;
    }
    const head = this.head;
    if (head === null) return MORE;
    if (this.state === LENGTH_BODY) {
      const n = Math.min(this.remaining, this.end - this.start);
      this.body.append(this.buf, this.start, n);
      this.start += n;
      this.remaining -= n;
      if (this.remaining > 0) return this.waitForBody(head);
    } else if (this.state === CHUNKED_BODY && this.chunked !== null) {
      const c = this.chunked;
      this.start += c.feed(this.buf, this.start, this.end);
      if (c.error !== null) return this.fail(c.error.status, c.error.message);
      if (!c.done) return this.waitForBody(head);
    }
    head.body = this.body.take();
    this.head = null;
    this.chunked = null;
    this.state = HEAD;
    this.scan = this.start;
    return { type: 'request', request: head };
  }

  /** The body is incomplete: ask for 100 Continue once if the client waits for it. */
  private waitForBody(head: ParsedRequest): ParseResult {
    if (head.expectContinue && !this.continueSent) {
      this.continueSent = true;
      return CONTINUE;
    }
    return MORE;
  }

  /** Finds and parses a complete head; null when it parsed one (the body comes next). */
  private readHead(): ParseResult | null {
    const b = this.buf;
    // Empty lines before the request line are skipped (RFC 9112 §2.2).
    let skipped = 0;
    while (this.start < this.end && (b[this.start] === LF || b[this.start] === CR)) {
      if (b[this.start] === CR) {
        if (this.start + 1 >= this.end) return MORE;
        if (b[this.start + 1] !== LF) return this.fail(400, 'a bare CR before the request line');
        this.start++;
      }
      this.start++;
      if (++skipped > MAX_LEADING_EMPTY_LINES) return this.fail(400, 'empty lines instead of a request');
    }
    if (this.scan < this.start) this.scan = this.start;
    // The head ends at an empty line: LF (CR) LF.
    let headEnd = -1;
    for (let i = this.scan; i < this.end; i++) {
      if (b[i] !== LF) continue;
      if (i + 1 < this.end && b[i + 1] === LF) {
        headEnd = i + 2;
        break;
      }
      if (i + 2 < this.end && b[i + 1] === CR && b[i + 2] === LF) {
        headEnd = i + 3;
        break;
      }
    }
    if (headEnd < 0) {
      // Keep the last two bytes to look at again: the empty line may be split across pushes.
      this.scan = Math.max(this.start, this.end - 2);
      const firstLine = lineEnd(b, this.start, this.end);
      const lineBytes = firstLine < 0 ? this.end - this.start : firstLine - this.start;
      if (lineBytes > this.limits.maxRequestLineBytes)
        return this.fail(414, 'a request line longer than the limit');
      if (this.end - this.start > this.limits.maxHeaderBytes)
        return this.fail(431, 'a request head larger than the limit');
      return MORE;
    }
    if (headEnd - this.start > this.limits.maxHeaderBytes) {
      const firstLine = lineEnd(b, this.start, this.end);
      if (firstLine - this.start > this.limits.maxRequestLineBytes)
        return this.fail(414, 'a request line longer than the limit');
      return this.fail(431, 'a request head larger than the limit');
    }
    const r = this.parseHead(this.start, headEnd);
    this.start = headEnd;
    return r;
  }

  private parseHead(from: number, to: number): ParseResult | null {
    const b = this.buf;
    let eol = lineEnd(b, from, to);
    let stop = lineStop(b, from, eol);
    if (stop < 0) return this.fail(400, 'a bare CR in the request line');
    if (stop - from > this.limits.maxRequestLineBytes)
      return this.fail(414, 'a request line longer than the limit');
    // request-line = method SP request-target SP HTTP-version
    const sp1 = indexOf(b, SP, from, stop);
    const sp2 = sp1 < 0 ? -1 : indexOf(b, SP, sp1 + 1, stop);
    if (sp1 <= from || sp2 <= sp1 + 1 || indexOf(b, SP, sp2 + 1, stop) >= 0)
      return this.fail(400, 'a malformed request line');
    const method = latin1(b, from, sp1);
    if (!isToken(method)) return this.fail(400, 'a method that is not a token');
    for (let i = sp1 + 1; i < sp2; i++)
      if (b[i] <= SP || b[i] === 0x7f) return this.fail(400, 'a control character in the request target');
    const target = latin1(b, sp1 + 1, sp2);
    const version = this.version(b, sp2 + 1, stop);
    if (version === '') return this.failure;

    const headers: [string, string][] = [];
    let hosts = 0;
    let te: string[] = [];
    let hasTe = false;
    let contentLength = -1;
    let lengthConflict = false;
    let close = false;
    let keepAliveAsked = false;
    let expect = '';
    for (let at = eol + 1; at < to; at = eol + 1) {
      eol = lineEnd(b, at, to);
      stop = lineStop(b, at, eol);
      if (stop < 0) return this.fail(400, 'a bare CR in a header field');
      if (stop === at) break; // the empty line
      if (b[at] === SP || b[at] === HTAB) return this.fail(400, 'an obsolete line folding (obs-fold)');
      if (headers.length >= this.limits.maxHeaderCount)
        return this.fail(431, 'more header fields than the limit');
      let colon = at;
      while (colon < stop && isTokenChar(b[colon])) colon++;
      if (colon === at || colon >= stop || b[colon] !== COLON) {
        if (colon < stop && (b[colon] === SP || b[colon] === HTAB))
          return this.fail(400, 'whitespace between a field name and its colon');
        return this.fail(400, 'a malformed header field');
      }
      for (let i = colon + 1; i < stop; i++)
        if (!isFieldValueChar(b[i])) return this.fail(400, 'a control character in a header field value');
      const name = latin1(b, at, colon);
      const value = trimOws(latin1(b, colon + 1, stop));
      headers.push([name, value]);
      const key = lowerAscii(name);
      if (key === 'host') hosts++;
      else if (key === 'content-length') {
        for (const e of commaList(value)) {
          const n = decimal(e);
          if (n === -1) return this.fail(400, 'a Content-Length that is not a number');
          if (n === -2 || n > this.limits.maxBodyBytes) return this.fail(413, 'a body larger than the limit');
          if (contentLength >= 0 && n !== contentLength) lengthConflict = true;
          contentLength = n;
        }
      } else if (key === 'transfer-encoding') {
        hasTe = true;
        te = te.concat(listElements(lowerAscii(value)));
      } else if (key === 'connection') {
        for (const o of listElements(lowerAscii(value))) {
          if (o === 'close') close = true;
          else if (o === 'keep-alive') keepAliveAsked = true;
        }
      } else if (key === 'expect') expect = lowerAscii(value);
    }
    if (lengthConflict) return this.fail(400, 'Content-Length fields that differ');
    const http11 = version === 'HTTP/1.1';
    if (hosts > 1 || (http11 && hosts === 0))
      return this.fail(400, hosts > 1 ? 'more than one Host field' : 'no Host field (HTTP/1.1)');
    if (hasTe) {
      if (!http11) return this.fail(400, 'Transfer-Encoding in an HTTP/1.0 request');
      if (contentLength >= 0) return this.fail(400, 'both Content-Length and Transfer-Encoding');
      if (te.length === 0 || te[te.length - 1] !== 'chunked')
        return this.fail(400, 'a Transfer-Encoding whose last coding is not chunked');
      for (let i = 0; i < te.length - 1; i++)
        if (te[i] === 'chunked') return this.fail(400, 'chunked applied more than once');
      if (te.length > 1)
        return this.fail(501, `the transfer coding ${te[0]}, which this server does not implement`);
    }
    let expectContinue = false;
    if (expect !== '') {
      if (expect === '100-continue') expectContinue = http11;
      else return this.fail(417, `the expectation ${expect}`);
    }
    const request: ParsedRequest = {
      method,
      target,
      version,
      headers,
      body: new Uint8Array(0),
      keepAlive: http11 ? !close : keepAliveAsked && !close,
      expectContinue,
    };
    this.head = request;
    this.continueSent = false;
    if (hasTe) {
      this.state = CHUNKED_BODY;
      this.chunked = new ChunkedDecoder(
        this.body,
        this.limits.maxBodyBytes,
        this.limits.maxHeaderCount - headers.length,
        this.limits.maxHeaderBytes,
      );
    } else {
      this.state = LENGTH_BODY;
      this.remaining = Math.max(contentLength, 0);
    }
    return null;
  }

  /** HTTP-version = "HTTP/" DIGIT "." DIGIT; '' after failing with 400 or 505. */
  private version(b: Uint8Array, from: number, to: number): string {
    const ok =
      to - from === 8 &&
      b[from] === 0x48 &&
      b[from + 1] === 0x54 &&
      b[from + 2] === 0x54 &&
      b[from + 3] === 0x50 &&
      b[from + 4] === 0x2f &&
      isDigit(b[from + 5]) &&
      b[from + 6] === 0x2e &&
      isDigit(b[from + 7]);
    if (!ok) {
      this.fail(400, 'a malformed HTTP version');
      return '';
    }
    if (b[from + 5] !== 0x31) {
      this.fail(505, `HTTP/${String.fromCharCode(b[from + 5])}.${String.fromCharCode(b[from + 7])}`);
      return '';
    }
    return b[from + 7] === 0x30 ? 'HTTP/1.0' : 'HTTP/1.1';
  }

  private fail(status: number, message: string): ParseResult {
    this.state = FAILED;
    this.failure = { type: 'error', status, message };
    this.head = null;
    return this.failure;
  }
}

/** Where the line ending at the LF at `eol` stops: before a CR there; -1 if a CR is anywhere else. */
function lineStop(b: Uint8Array, from: number, eol: number): number {
  const stop = eol > from && b[eol - 1] === CR ? eol - 1 : eol;
  for (let i = from; i < stop; i++) if (b[i] === CR) return -1;
  return stop;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The elements of a Content-Length value (a list of equal values is one value, RFC 9110 §8.6). */
function commaList(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    if (i === value.length || value.charCodeAt(i) === 0x2c) {
      parts.push(trimOws(value.substring(start, i)));
      start = i + 1;
    }
  }
  return parts;
}

/** 1*DIGIT as a number: -1 if it is not one, -2 if it has more digits than any limit allows. */
function decimal(s: string): number {
  if (s.length === 0) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return s.length > 15 ? -2 : n;
}
