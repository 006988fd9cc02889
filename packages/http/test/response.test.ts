import { describe, expect, it } from 'vitest';
import { chunk, continueLine, httpDate, lastChunk, reasonPhrase, serializeHead } from '../src/index.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('responses on the wire', () => {
  it('writes the status line, the fields as given, and Content-Length', () => {
    const head = serializeHead(
      {
        status: 200,
        statusText: '',
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Length', '99'],
        ],
      },
      { length: 5 },
      false,
    );
    expect(text(head)).toBe('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n');
  });

  it('frames chunked bodies and says Connection: close when the connection ends', () => {
    const head = serializeHead({ status: 404, statusText: '', headers: [] }, 'chunked', true);
    expect(text(head)).toBe(
      'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    expect(text(chunk(new TextEncoder().encode('hello, world!!!!')))).toBe('10\r\nhello, world!!!!\r\n');
    expect(chunk(new Uint8Array(0)).length).toBe(0);
    expect(text(lastChunk())).toBe('0\r\n\r\n');
    expect(text(continueLine())).toBe('HTTP/1.1 100 Continue\r\n\r\n');
  });

  it('gives 204 and 304 no body framing', () => {
    expect(text(serializeHead({ status: 204, statusText: '', headers: [] }, { length: 0 }, false))).toBe(
      'HTTP/1.1 204 No Content\r\n\r\n',
    );
  });

  it('refuses fields that cannot go on the wire (response splitting) and statuses out of range', () => {
    expect(() =>
      serializeHead(
        { status: 200, statusText: '', headers: [['X', 'a\r\nSet-Cookie: x']] },
        { length: 0 },
        false,
      ),
    ).toThrow(TypeError);
    expect(() =>
      serializeHead({ status: 200, statusText: '', headers: [['Bad Name', 'a']] }, { length: 0 }, false),
    ).toThrow(TypeError);
    expect(() => serializeHead({ status: 42, statusText: '', headers: [] }, { length: 0 }, false)).toThrow(
      RangeError,
    );
  });

  it('knows the reason phrases and writes IMF-fixdate as Date does', () => {
    expect(reasonPhrase(431)).toBe('Request Header Fields Too Large');
    expect(reasonPhrase(299)).toBe('');
    for (const ms of [
      0,
      784111777000,
      951782400000,
      1709251199999,
      4102444800000,
      Date.UTC(2026, 11, 7, 9, 5, 3),
    ])
      expect(httpDate(ms), String(ms)).toBe(new Date(ms).toUTCString());
  });
});
