/**
 * One scenario the HTTP code runs twice: on Node (compiled.test.ts imports it) and compiled by Toro's
 * own compiler into a native executable (main.ts). Both must log the same lines.
 */
// The bodies of Request and Response are read here through bodyBytes(), as the server reads them: the
// scenario is synchronous (serving.ts is the asynchronous one, with the server and the router).
import { Headers } from '../../src/headers.js';
import { Request, Response } from '../../src/message.js';
import { type ParseResult, RequestParser } from '../../src/request-parser.js';
import { chunk, httpDate, lastChunk, serializeHead } from '../../src/response.js';

function describeResult(r: ParseResult): string {
  if (r.type === 'request') {
    const q = r.request;
    const fields = q.headers.map((h) => `${h.length === 2 ? h[0] : '?'}=${h[1]}`).join(',');
    return `request ${q.method} ${q.target} ${q.version} keepAlive=${q.keepAlive} body=${new TextDecoder().decode(q.body)} [${fields}]`;
  }
  if (r.type === 'error') return `error ${r.status} ${r.message}`;
  return r.type;
}

export function scenario(log: (line: string) => void): void {
  const inputs = [
    'GET /a?b=c HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\nPOST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
    'POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n',
    'PUT /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n',
    'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: h\r\nX : y\r\n\r\n',
    'GET / HTTP/2.0\r\nHost: h\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n',
  ];
  const enc = new TextEncoder();
  for (let i = 0; i < inputs.length; i++) {
    const bytes = enc.encode(inputs[i]);
    // Whole, then three bytes at a time: the same results.
    for (const step of [bytes.length, 3]) {
      const p = new RequestParser({ maxBodyBytes: 1000 });
      const seen: string[] = [];
      for (let at = 0; at < bytes.length; at += step) {
        p.push(bytes.subarray(at, at + step));
        for (let r = p.next(); r.type !== 'more'; r = p.next()) {
          seen.push(describeResult(r));
          if (r.type === 'error') break;
        }
        if (seen.length > 0 && seen[seen.length - 1].startsWith('error')) break;
      }
      log(`input ${i} step ${step === bytes.length ? 'whole' : step}: ${seen.join(' | ')}`);
    }
  }
  const head = serializeHead(
    { status: 201, statusText: '', headers: [['Content-Type', 'application/json']] },
    { length: 11 },
    true,
  );
  log(JSON.stringify(new TextDecoder().decode(head)));
  const body = chunk(enc.encode('chunk data'));
  log(
    `${JSON.stringify(new TextDecoder().decode(body))} ${JSON.stringify(new TextDecoder().decode(lastChunk()))}`,
  );
  const h = new Headers([
    ['Zeta', ' 1 '],
    ['alpha', '2'],
    ['Set-Cookie', 'a=1'],
    ['zeta', '3'],
    ['set-cookie', 'b=2'],
  ]);
  h.set('Alpha', 'two');
  h.append('Beta', 'b');
  log(
    `headers ${JSON.stringify(h.entries())} get=${h.get('ZETA')} has=${h.has('beta')} cookies=${h.getSetCookie().length}`,
  );
  const copy = new Headers(h);
  copy.delete('zeta');
  const fromRecord = new Headers({ 'Content-Type': 'text/plain' });
  log(`copy ${JSON.stringify(copy.keys())} ${JSON.stringify(fromRecord.fields())}`);
  try {
    h.append('bad name', 'x');
  } catch (e) {
    log(`threw ${e instanceof TypeError} ${(e as Error).message}`);
  }
  const json = Response.json({ id: 7, tags: ['a'] }, { status: 201 });
  const redirect = Response.redirect('/next', 308);
  const request = new Request('http://h/p?q=1', { method: 'PUT', headers: [['X-Id', '9']], body: 'payload' });
  log(
    `messages ${json.status} ${json.ok} ${json.headers.get('content-type')} ${new TextDecoder().decode(json.bodyBytes())}` +
      ` ${redirect.status} ${redirect.headers.get('location')} ${request.method} ${request.url}` +
      ` ${request.headers.get('x-id')} ${request.bodyBytes().length} ${request.bodyUsed}`,
  );
  try {
    new Response('body', { status: 204 });
  } catch (e) {
    log(`threw ${e instanceof TypeError}`);
  }
  log(httpDate(784111777000));
  log(httpDate(1796634303000));
}
