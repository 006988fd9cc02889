/**
 * @toro/http: HTTP/1.1 for Toro services (RFC 9110, RFC 9112). Written in the TypeScript subset Toro's
 * compiler takes, so the same files parse requests in a booted image and on Node in the tests.
 */
export { BodyBuffer } from './body.js';
export { isToken, latin1, listElements, lowerAscii, trimOws } from './bytes.js';
export { CHUNK_LINE_MAX, ChunkedDecoder, type FramingError } from './chunked.js';
export { contentTypeOf } from './content-types.js';
export { Headers, type HeadersInit } from './headers.js';
export { DEFAULT_LIMITS, type HttpLimits, resolveLimits } from './limits.js';
export { type BodyInit, Request, type RequestInit, Response, type ResponseInit } from './message.js';
export { decodePercent, decodeUtf8Lossy, percentEncode } from './percent.js';
export { type ParsedRequest, type ParseResult, RequestParser } from './request-parser.js';
export {
  type BodyFraming,
  bodiless,
  chunk,
  continueLine,
  httpDate,
  lastChunk,
  latin1Bytes,
  type ResponseHead,
  reasonPhrase,
  serializeHead,
} from './response.js';
export { type Params, pathOf, type RouteHandler, Router } from './router.js';
export { URLSearchParams, type URLSearchParamsInit } from './search-params.js';
export {
  type AcceptedConnection,
  type HttpListener,
  type Latch,
  type ServeOptions,
  type ServePlatform,
  type Server,
  serveOn,
} from './serve.js';
export { type Handler, type HttpConnection, type ServeConnectionOptions, serveConnection } from './server.js';
export { type StaticOptions, serveStatic } from './static.js';
export { URL } from './url.js';
