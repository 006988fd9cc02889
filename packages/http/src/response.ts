/**
 * An HTTP/1.1 response on the wire (RFC 9112 §4, §6, §7.1): the status line, the header fields, and the
 * body framed by Content-Length or, when its length is not known up front, by the chunked coding.
 */
import { isFieldValueChar, isToken, lowerAscii } from './bytes.js';

/** The reason phrases of RFC 9110 §15, for the statuses a server sends. */
const REASONS: [number, string][] = [
  [100, 'Continue'],
  [101, 'Switching Protocols'],
  [200, 'OK'],
  [201, 'Created'],
  [202, 'Accepted'],
  [204, 'No Content'],
  [206, 'Partial Content'],
  [301, 'Moved Permanently'],
  [302, 'Found'],
  [303, 'See Other'],
  [304, 'Not Modified'],
  [307, 'Temporary Redirect'],
  [308, 'Permanent Redirect'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [410, 'Gone'],
  [411, 'Length Required'],
  [412, 'Precondition Failed'],
  [413, 'Content Too Large'],
  [414, 'URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Range Not Satisfiable'],
  [417, 'Expectation Failed'],
  [422, 'Unprocessable Content'],
  [426, 'Upgrade Required'],
  [429, 'Too Many Requests'],
  [431, 'Request Header Fields Too Large'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
  [505, 'HTTP Version Not Supported'],
];

/** The reason phrase of `status`, or '' for one without a registered phrase. */
export function reasonPhrase(status: number): string {
  for (const [code, text] of REASONS) if (code === status) return text;
  return '';
}

/** A status whose response has no body, whatever the handler gave (RFC 9110 §6.4.1). */
export function bodiless(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}

export interface ResponseHead {
  status: number;
  /** '' for the registered phrase of the status. */
  statusText: string;
  /** Names as they are to be sent; Content-Length and Transfer-Encoding are the serializer's to add. */
  headers: [string, string][];
}

/** How the body is framed: its exact length, or chunked (then write chunks with `chunk` and `lastChunk`). */
export type BodyFraming = { length: number } | 'chunked';

/**
 * The status line and header section, ending in the empty line. Adds `Content-Length` (or
 * `Transfer-Encoding: chunked`) unless the status is bodiless, and `Connection: close` when the
 * connection ends after this answer (`Connection: keep-alive` with `keepAlive`, which an HTTP/1.0
 * client needs to hear). Throws a TypeError for a field that cannot go on the wire.
 */
export function serializeHead(
  head: ResponseHead,
  framing: BodyFraming,
  close: boolean,
  keepAlive = false,
): Uint8Array {
  if (!(head.status >= 100 && head.status <= 999) || Math.floor(head.status) !== head.status)
    throw new RangeError(`status ${head.status} is not a three-digit HTTP status`);
  const reason = head.statusText !== '' ? head.statusText : reasonPhrase(head.status);
  let text = `HTTP/1.1 ${head.status} ${reason}\r\n`;
  for (const [name, value] of head.headers) {
    const key = lowerAscii(name);
    if (key === 'content-length' || key === 'transfer-encoding' || key === 'connection') continue;
    checkField(name, value);
    text += `${name}: ${value}\r\n`;
  }
  if (!bodiless(head.status)) {
    if (framing === 'chunked') text += 'Transfer-Encoding: chunked\r\n';
    else text += `Content-Length: ${framing.length}\r\n`;
  }
  if (close) text += 'Connection: close\r\n';
  else if (keepAlive) text += 'Connection: keep-alive\r\n';
  text += '\r\n';
  return latin1Bytes(text);
}

/** One chunk of a chunked body: size in hex, CRLF, the bytes, CRLF (none for empty data). */
export function chunk(data: Uint8Array): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const size = latin1Bytes(`${data.length.toString(16)}\r\n`);
  const out = new Uint8Array(size.length + data.length + 2);
  out.set(size, 0);
  out.set(data, size.length);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}

/** The last chunk and the end of a chunked body (no trailer fields). */
export function lastChunk(): Uint8Array {
  return latin1Bytes('0\r\n\r\n');
}

/** The interim `100 Continue` answer to `Expect: 100-continue`. */
export function continueLine(): Uint8Array {
  return latin1Bytes('HTTP/1.1 100 Continue\r\n\r\n');
}

function checkField(name: string, value: string): void {
  if (!isToken(name)) throw new TypeError(`'${name}' is not a valid HTTP header field name`);
  for (let i = 0; i < value.length; i++)
    if (!isFieldValueChar(value.charCodeAt(i)))
      throw new TypeError(`the value of header field '${name}' holds a character that cannot be sent`);
}

/** Text of ISO-8859-1 characters as its octets (header syntax is never more). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

const DAYS = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMF-fixdate (RFC 9110 §5.6.7) of a time in milliseconds since 1970, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const weekday = DAYS[((days % 7) + 7) % 7];
  const hh = Math.floor(rest / 3600);
  const mm = Math.floor((rest % 3600) / 60);
  const ss = rest % 60;
  return `${weekday}, ${two(day)} ${MONTHS[month - 1]} ${year} ${two(hh)}:${two(mm)}:${two(ss)} GMT`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
