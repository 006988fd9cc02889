// The request parser against RFC 9112's framing: well-formed requests in every shape a client sends,
// pipelining and byte-at-a-time arrival, and a corpus of malformed and smuggling requests, each with
// the status the RFC asks for.
import { describe, expect, it } from 'vitest';
import { type ParsedRequest, type ParseResult, RequestParser } from '../src/index.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Every result of feeding `text` at once (or `step` bytes at a time), up to the first 'more' or error. */
function parse(text: string | Uint8Array, step = 0, limits = {}): ParseResult[] {
  const p = new RequestParser(limits);
  const bytes = typeof text === 'string' ? enc(text) : text;
  const out: ParseResult[] = [];
  const drain = (): boolean => {
    for (;;) {
      const r = p.next();
      if (r.type === 'more') return true;
      out.push(r);
      if (r.type === 'error') return false;
    }
  };
  if (step === 0) {
    p.push(bytes);
    drain();
  } else {
    for (let i = 0; i < bytes.length; i += step) {
      p.push(bytes.subarray(i, i + step));
      if (!drain()) break;
    }
  }
  return out;
}

function requests(results: ParseResult[]): ParsedRequest[] {
  return results.flatMap((r) => (r.type === 'request' ? [r.request] : []));
}

function status(text: string, limits = {}): number {
  const last = parse(text, 0, limits).at(-1);
  return last?.type === 'error' ? last.status : 0;
}

describe('well-formed requests', () => {
  it('reads a GET: method, target, version, headers as sent, keep-alive', () => {
    const [r] = requests(parse('GET /items?id=7 HTTP/1.1\r\nHost: example\r\nX-Thing:  a b \r\n\r\n'));
    expect(r.method).toBe('GET');
    expect(r.target).toBe('/items?id=7');
    expect(r.version).toBe('HTTP/1.1');
    expect(r.headers).toEqual([
      ['Host', 'example'],
      ['X-Thing', 'a b'],
    ]);
    expect(r.body.length).toBe(0);
    expect(r.keepAlive).toBe(true);
    expect(r.expectContinue).toBe(false);
  });

  it('reads a Content-Length body, and a chunked one with extensions and trailers', () => {
    const [a] = requests(parse('POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello'));
    expect(new TextDecoder().decode(a.body)).toBe('hello');
    const chunked =
      'POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n';
    for (const step of [0, 1, 3]) {
      const [b] = requests(parse(chunked, step));
      expect(new TextDecoder().decode(b.body), `step ${step}`).toBe('hello, world');
    }
  });

  it('answers pipelined requests in order, whole or a byte at a time, across CRLF and bare LF', () => {
    const text =
      'GET /1 HTTP/1.1\r\nHost: h\r\n\r\n' +
      'POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc' +
      '\r\nGET /3 HTTP/1.1\nHost: h\n\n' +
      'GET /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n';
    for (const step of [0, 1, 7]) {
      const rs = requests(parse(text, step));
      expect(rs.map((r) => r.target)).toEqual(['/1', '/2', '/3', '/4']);
      expect(rs.map((r) => r.keepAlive)).toEqual([true, true, true, false]);
    }
  });

  it('keeps HTTP/1.0 alive only when asked; reads 1.2 as 1.1', () => {
    expect(requests(parse('GET / HTTP/1.0\r\n\r\n'))[0].keepAlive).toBe(false);
    expect(requests(parse('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n'))[0].keepAlive).toBe(true);
    expect(requests(parse('GET / HTTP/1.2\r\nHost: h\r\n\r\n'))[0].version).toBe('HTTP/1.1');
  });

  it('asks for 100 Continue once, before the body comes, and not when it already came', () => {
    const p = new RequestParser();
    p.push(enc('PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n'));
    expect(p.next().type).toBe('continue');
    expect(p.next().type).toBe('more');
    p.push(enc('data'));
    const r = p.next();
    expect(r.type === 'request' && r.request.expectContinue).toBe(true);
    const whole = parse(
      'PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ndata',
    );
    expect(whole.map((x) => x.type)).toEqual(['request']);
  });

  it('accepts equal Content-Length values, repeated or listed', () => {
    expect(
      requests(parse('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'))
        .length,
    ).toBe(1);
    expect(requests(parse('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nok')).length).toBe(1);
  });

  it('accepts what is exactly at a limit', () => {
    const line = `GET /${'a'.repeat(100 - 'GET / HTTP/1.1'.length)} HTTP/1.1`;
    expect(line.length).toBe(100);
    expect(requests(parse(`${line}\r\nHost: h\r\n\r\n`, 0, { maxRequestLineBytes: 100 })).length).toBe(1);
    const body = 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789';
    expect(requests(parse(body, 0, { maxBodyBytes: 10 })).length).toBe(1);
  });
});

describe('malformed and hostile requests get the status the RFC asks for', () => {
  const H = 'Host: h\r\n';
  const corpus: [string, string, number, object?][] = [
    ['a request line of two words', 'GET /\r\n\r\n', 400],
    ['two spaces in the request line', 'GET  / HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['a method that is not a token', 'G(T / HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['a control character in the target', 'GET /a\x01b HTTP/1.1\r\nHost: h\r\n\r\n', 400],
    ['a malformed version', 'GET / HTTP/11\r\nHost: h\r\n\r\n', 400],
    ['a lower-case version', 'GET / http/1.1\r\nHost: h\r\n\r\n', 400],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n', 505],
    ['HTTP/0.9 style', 'GET / HTTP/0.9\r\n\r\n', 505],
    ['no Host in HTTP/1.1', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['two Host fields', `GET / HTTP/1.1\r\n${H}${H}\r\n`, 400],
    ['whitespace before a colon', `GET / HTTP/1.1\r\n${H}X-A : b\r\n\r\n`, 400],
    ['a field without a colon', `GET / HTTP/1.1\r\n${H}Nonsense\r\n\r\n`, 400],
    ['an empty field name', `GET / HTTP/1.1\r\n${H}: b\r\n\r\n`, 400],
    ['obs-fold', `GET / HTTP/1.1\r\n${H}X-A: b\r\n  c\r\n\r\n`, 400],
    ['a bare CR in a field', `GET / HTTP/1.1\r\n${H}X-A: b\rc\r\n\r\n`, 400],
    ['a NUL in a field value', `GET / HTTP/1.1\r\n${H}X-A: b\x00c\r\n\r\n`, 400],
    [
      'Content-Length and Transfer-Encoding',
      `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      400,
    ],
    [
      'Transfer-Encoding then Content-Length',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n`,
      400,
    ],
    [
      'differing Content-Lengths',
      `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`,
      400,
    ],
    ['a listed pair of differing lengths', `POST / HTTP/1.1\r\n${H}Content-Length: 3, 4\r\n\r\nabcd`, 400],
    ['a signed Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`, 400],
    ['a hex Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 0x3\r\n\r\nabc`, 400],
    ['chunked not last', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`, 400],
    [
      'chunked twice',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`,
      400,
    ],
    [
      'an unknown coding before chunked',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n`,
      501,
    ],
    ['an unknown coding alone', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`, 400],
    ['Transfer-Encoding in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['a chunk size that is not hex', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, 400],
    [
      'junk after a chunk size',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n`,
      400,
    ],
    [
      'a chunk longer than its size',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n`,
      400,
    ],
    [
      'a malformed trailer',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n`,
      400,
    ],
    ['an unknown expectation', `PUT / HTTP/1.1\r\n${H}Expect: 200-ok\r\nContent-Length: 0\r\n\r\n`, 417],
    [
      'a body over the limit (length)',
      `POST / HTTP/1.1\r\n${H}Content-Length: 11\r\n\r\n`,
      413,
      { maxBodyBytes: 10 },
    ],
    [
      'a body over the limit (chunked)',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n`,
      413,
      { maxBodyBytes: 10 },
    ],
    [
      'a huge chunk size',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n`,
      413,
    ],
    [
      'a Content-Length of 20 digits',
      `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\n\r\n`,
      413,
    ],
    [
      'a request line over the limit',
      `GET /${'a'.repeat(200)} HTTP/1.1\r\n${H}\r\n`,
      414,
      { maxRequestLineBytes: 100 },
    ],
    [
      'a request line over the limit, unfinished',
      `GET /${'a'.repeat(200)}`,
      414,
      { maxRequestLineBytes: 100 },
    ],
    [
      'a head over the limit',
      `GET / HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(300)}\r\n\r\n`,
      431,
      { maxHeaderBytes: 256 },
    ],
    [
      'a head over the limit, unfinished',
      `GET / HTTP/1.1\r\n${H}X-Big: ${'b'.repeat(300)}`,
      431,
      { maxHeaderBytes: 256 },
    ],
    ['too many fields', `GET / HTTP/1.1\r\n${H}${'X-A: 1\r\n'.repeat(5)}\r\n`, 431, { maxHeaderCount: 4 }],
    [
      'too many trailers',
      `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n${'T: 1\r\n'.repeat(5)}\r\n`,
      431,
      { maxHeaderCount: 4 },
    ],
    ['only empty lines', '\r\n'.repeat(20), 400],
  ];
  for (const [what, text, want, limits] of corpus) {
    it(`${what}: ${want}`, () => {
      expect(status(text, limits ?? {})).toBe(want);
    });
  }

  it('stays failed: bytes after an error give the same error and no request', () => {
    const p = new RequestParser();
    p.push(enc('GET / HTTP/1.1\r\n\r\n'));
    expect(p.next()).toMatchObject({ type: 'error', status: 400 });
    p.push(enc('GET / HTTP/1.1\r\nHost: h\r\n\r\n'));
    expect(p.next()).toMatchObject({ type: 'error', status: 400 });
  });

  it('survives random and mutated bytes: every result is a request, a 4xx/5xx or a need for more', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const seeds = [
      'GET / HTTP/1.1\r\nHost: h\r\n\r\n',
      'POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n',
      'PUT /y HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc',
    ].map(enc);
    for (let round = 0; round < 3000; round++) {
      const base = seeds[rand(seeds.length)];
      const b = round % 10 === 0 ? new Uint8Array(rand(200)).map(() => rand(256)) : base.slice();
      for (let k = rand(6); k > 0 && b.length > 0; k--) b[rand(b.length)] = rand(256);
      for (const r of parse(b, 1 + rand(9), { maxBodyBytes: 64 })) {
        if (r.type === 'error') {
          expect(r.status).toBeGreaterThanOrEqual(400);
          expect(r.status).toBeLessThan(600);
          expect(r.message.length).toBeGreaterThan(0);
        } else expect(['request', 'continue']).toContain(r.type);
      }
    }
  });
});
