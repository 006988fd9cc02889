/**
 * A small router: routes of a method and a path pattern, tried in the order they were added. A pattern
 * is literal segments and `:name` parameters (`/items/:id`), and may end in `*` for the rest of the path
 * (`/files/*`, the rest as the parameter `*`). Parameters come percent-decoded (UTF-8). A path that no
 * route matches gets 404; one that matches under other methods only gets 405 with `Allow`. HEAD is
 * answered by a GET route when there is no HEAD route (the server sends the head only).
 */

import type { Request } from './message.js';
import { Response } from './message.js';
import { decodePercent } from './percent.js';

/** The parameters a route's pattern took from the path. */
export type Params = { [name: string]: string };

/** What answers a routed request. */
export type RouteHandler = (request: Request, params: Params) => Response | Promise<Response>;

interface Route {
  method: string;
  segments: string[];
  rest: boolean;
  handler: RouteHandler;
}

/** The path of a request URL (absolute or origin-form), without its query or fragment. */
export function pathOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash < 0) return '/';
    start = slash;
  }
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q >= 0) end = q;
  const h = url.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  const path = url.slice(start, end);
  return path === '' ? '/' : path;
}

/** A path's segments; empty ones (a trailing or doubled slash) do not count. */
function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '');
}

export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route for `method` (upper case, or '*' for any) and `pattern`. */
  on(method: string, pattern: string, handler: RouteHandler): this {
    if (!pattern.startsWith('/')) throw new TypeError(`route pattern '${pattern}' must start with /`);
    const segments = split(pattern);
    const rest = segments.length > 0 && segments[segments.length - 1] === '*';
    if (rest) segments.pop();
    for (const s of segments)
      if (s === ':' || s.indexOf('*') >= 0)
        throw new TypeError(`route pattern '${pattern}': '${s}' is not a segment or a :name`);
    this.routes.push({ method: method.toUpperCase(), segments, rest, handler });
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.on('GET', pattern, handler);
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.on('POST', pattern, handler);
  }

  put(pattern: string, handler: RouteHandler): this {
    return this.on('PUT', pattern, handler);
  }

  patch(pattern: string, handler: RouteHandler): this {
    return this.on('PATCH', pattern, handler);
  }

  delete(pattern: string, handler: RouteHandler): this {
    return this.on('DELETE', pattern, handler);
  }

  /**
   * Answers `request` with the first route that matches it (404 or 405 when none does). A property, so
   * that `serve(options, router.fetch)` calls it with its router.
   */
  readonly fetch: (request: Request) => Promise<Response>;

  constructor() {
    this.fetch = async (request) => await this.route(request);
  }

  private async route(request: Request): Promise<Response> {
    const parts = split(pathOf(request.url));
    const allowed: string[] = [];
    let fallback: Route | undefined;
    let fallbackParams: Params | undefined;
    for (const route of this.routes) {
      const params = match(route, parts);
      if (params === undefined) continue;
      if (params === null) return badPath();
      if (route.method === request.method || route.method === '*')
        return await route.handler(request, params);
      if (request.method === 'HEAD' && route.method === 'GET' && fallback === undefined) {
        fallback = route;
        fallbackParams = params;
      }
      if (allowed.indexOf(route.method) < 0) allowed.push(route.method);
    }
    if (fallback !== undefined && fallbackParams !== undefined)
      return await fallback.handler(request, fallbackParams);
    if (allowed.length > 0)
      return new Response('405 Method Not Allowed\n', {
        status: 405,
        headers: [['allow', allowed.join(', ')]],
      });
    return new Response('404 Not Found\n', { status: 404 });
  }
}

function badPath(): Response {
  return new Response('400 Bad Request: a malformed %-escape in the path\n', { status: 400 });
}

/** The route's parameters for `parts`; undefined when it does not match, null for a bad escape. */
function match(route: Route, parts: string[]): Params | undefined | null {
  const n = route.segments.length;
  if (route.rest ? parts.length < n : parts.length !== n) return undefined;
  const params: Params = {};
  for (let i = 0; i < n; i++) {
    const s = route.segments[i];
    if (s.startsWith(':')) {
      const v = decodePercent(parts[i]);
      if (v === undefined) return null;
      params[s.slice(1)] = v;
    } else if (s !== parts[i]) return undefined;
  }
  if (route.rest) {
    const v = decodePercent(parts.slice(n).join('/'));
    if (v === undefined) return null;
    params['*'] = v;
  }
  return params;
}
