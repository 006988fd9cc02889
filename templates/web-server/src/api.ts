// The HTTP API: routes, input validation (400 with a JSON error), and JSON answers.
import { currentCpu, Response, Router, URL } from '@toro/sdk';
import type { Request } from '@toro/sdk';
import type { StoreClient } from './store.js';

const MAX_NAME = 200;

function error(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}

/** The id in the path: a whole number from 1 up, or undefined. */
function idOf(text: string): number | undefined {
  if (text.length === 0 || text.length > 9 || text[0] === '0') return undefined;
  for (const c of text) if (c < '0' || c > '9') return undefined;
  return Number(text);
}

/** The item fields of a create or update body, or the error that answers it. */
async function fields(req: Request): Promise<{ name: string; done: boolean } | Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch (_e) {
    return error(400, 'the body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return error(400, 'the body must be a JSON object');
  const { name, done } = body as { name?: unknown; done?: unknown };
  if (typeof name !== 'string' || name.trim() === '') return error(400, 'name must be a non-empty string');
  if (name.length > MAX_NAME) return error(400, `name must be at most ${MAX_NAME} characters`);
  if (done !== undefined && typeof done !== 'boolean') return error(400, 'done must be true or false');
  return { name, done: done === true };
}

/** The API's routes over `store`. */
export function api(store: StoreClient): Router {
  return new Router()
    // Which CPU answered: the HTTP CPUs take the connections in turn.
    .get('/health', () => Response.json({ status: 'ok', cpu: currentCpu() }))
    .get('/items', async (req) => {
      // ?done=true or ?done=false lists only those.
      const done = new URL(req.url).searchParams.get('done');
      if (done !== null && done !== 'true' && done !== 'false') return error(400, 'done must be true or false');
      const items = await store.list();
      return Response.json(done === null ? items : items.filter((i) => i.done === (done === 'true')));
    })
    .get('/items/:id', async (_req, params) => {
      const id = idOf(params.id);
      if (id === undefined) return error(400, 'the id must be a whole number from 1 up');
      const item = await store.get(id);
      return item === undefined ? error(404, `no item ${id}`) : Response.json(item);
    })
    .post('/items', async (req) => {
      const f = await fields(req);
      if (f instanceof Response) return f;
      const item = await store.create(f.name, f.done);
      return Response.json(item, { status: 201, headers: { location: `/items/${item.id}` } });
    })
    .put('/items/:id', async (req, params) => {
      const id = idOf(params.id);
      if (id === undefined) return error(400, 'the id must be a whole number from 1 up');
      const f = await fields(req);
      if (f instanceof Response) return f;
      const item = await store.update(id, f.name, f.done);
      return item === undefined ? error(404, `no item ${id}`) : Response.json(item);
    })
    .delete('/items/:id', async (_req, params) => {
      const id = idOf(params.id);
      if (id === undefined) return error(400, 'the id must be a whole number from 1 up');
      return (await store.delete(id)) ? new Response(null, { status: 204 }) : error(404, `no item ${id}`);
    });
}
