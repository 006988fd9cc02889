// The items, held by one CPU: runStore is the only code that touches them, and every other thread (on
// any CPU) asks it through a channel. Each request carries the channel its answer comes back on.
import { type Channel, channel } from '@toro/sdk';

export interface Item {
  id: number;
  name: string;
  done: boolean;
}

/** What a request asks the store to do. */
export type StoreOp =
  | { kind: 'list' }
  | { kind: 'get'; id: number }
  | { kind: 'create'; name: string; done: boolean }
  | { kind: 'update'; id: number; name: string; done: boolean }
  | { kind: 'delete'; id: number };

/** The store's answer: the items it is about (none when the id was not found). */
export interface StoreReply {
  items: Item[];
}

export interface StoreRequest {
  op: StoreOp;
  reply: Channel<StoreReply>;
}

/** Serves requests until the channel is closed. Runs on the store's CPU. */
export async function runStore(requests: Channel<StoreRequest>): Promise<void> {
  const items = new Map<number, Item>();
  let nextId = 1;
  for await (const { op, reply } of requests) {
    let answer: Item[] = [];
    if (op.kind === 'list') answer = [...items.values()];
    else if (op.kind === 'create') {
      const item: Item = { id: nextId++, name: op.name, done: op.done };
      items.set(item.id, item);
      answer = [item];
    } else {
      const found = items.get(op.id);
      if (found !== undefined) {
        if (op.kind === 'update') {
          found.name = op.name;
          found.done = op.done;
        } else if (op.kind === 'delete') items.delete(op.id);
        answer = [found];
      }
    }
    await reply.send({ items: answer });
  }
}

/** The store as the HTTP handlers use it, from any CPU. */
export class StoreClient {
  constructor(private readonly requests: Channel<StoreRequest>) {}

  async list(): Promise<Item[]> {
    return await this.ask({ kind: 'list' });
  }

  /** The item with `id`, or undefined. */
  async get(id: number): Promise<Item | undefined> {
    return (await this.ask({ kind: 'get', id }))[0];
  }

  async create(name: string, done: boolean): Promise<Item> {
    return (await this.ask({ kind: 'create', name, done }))[0];
  }

  /** The item after the update, or undefined when there is none with `id`. */
  async update(id: number, name: string, done: boolean): Promise<Item | undefined> {
    return (await this.ask({ kind: 'update', id, name, done }))[0];
  }

  /** Whether there was an item with `id` to delete. */
  async delete(id: number): Promise<boolean> {
    return (await this.ask({ kind: 'delete', id })).length > 0;
  }

  private async ask(op: StoreOp): Promise<Item[]> {
    const reply = channel<StoreReply>(1);
    await this.requests.send({ op, reply });
    const r = await reply.recv();
    reply.close();
    if (r.done) throw new Error('the store is gone');
    return r.value.items;
  }
}
