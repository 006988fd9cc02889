/**
 * The SDK's sockets over the stack (src/sockets/), two stacks on a wire in one Node process with the
 * owner loop a booted image runs: echo of a megabyte through the bounded buffers, text cut inside a
 * character, every failure as its SocketError, listeners and UDP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SocketError, type StreamConnection } from '../../src/index.js';
import { pair } from './harness.js';

let net: ReturnType<typeof pair>;
afterEach(() => net.stop());

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

async function readAll(c: StreamConnection): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let chunk = await c.read(); chunk !== undefined; chunk = await c.read()) parts.push(chunk);
  return Buffer.concat(parts);
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SocketError) return e.code;
    throw e;
  }
  return 'no error';
}

async function echo(c: StreamConnection): Promise<void> {
  for (let chunk = await c.read(); chunk !== undefined; chunk = await c.read()) await c.write(chunk);
  await c.end();
}

describe('sockets over the stack', () => {
  it('echoes a megabyte exactly through the bounded send and receive buffers', async () => {
    net = pair();
    const l = await net.a.sockets.listen(7);
    const served = (async () => {
      const c = await l.accept();
      if (c === undefined) throw new Error('no connection');
      expect(c.remoteAddress).toBe('10.0.0.2');
      await echo(c);
    })();
    const c = await net.b.sockets.connect('10.0.0.1', 7);
    expect(c.remotePort).toBe(7);
    const data = bytes(1 << 20, 7);
    const back = readAll(c);
    await c.write(data);
    await c.end();
    expect(Buffer.from(await back).equals(Buffer.from(data))).toBe(true);
    await served;
  }, 30_000);

  it('serves 100 connections at once and leaves the table empty once they are closed', async () => {
    net = pair();
    const l = await net.a.sockets.listen(9, { backlog: 128 });
    let handled = 0;
    const acceptor = (async () => {
      const all: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        const c = await l.accept();
        if (c === undefined) break;
        all.push(echo(c).then(() => c.close()));
        handled++;
      }
      await Promise.all(all);
    })();
    const clients = Array.from({ length: 100 }, async (_, i) => {
      const c = await net.b.sockets.connect('10.0.0.1', 9);
      const back = readAll(c);
      await c.write(`hello ${i}`);
      await c.end();
      const text = Buffer.from(await back).toString();
      c.close();
      return text;
    });
    const texts = await Promise.all(clients);
    await acceptor;
    expect(handled).toBe(100);
    expect(texts.every((t, i) => t === `hello ${i}`)).toBe(true);
    await l.close();
    for (let i = 0; i < 500 && net.a.tcp.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect(net.a.tcp.connectionCount).toBe(0);
  }, 30_000);

  it('gives a character cut across two segments whole to readString', async () => {
    net = pair();
    const l = await net.a.sockets.listen(7);
    const c = await net.b.sockets.connect('10.0.0.1', 7);
    const s = await l.accept();
    if (s === undefined) throw new Error('no connection');
    const text = Buffer.from('h€llo');
    await c.write(text.subarray(0, 2)); // 'h' and the first byte of '€'
    expect(await s.readString()).toBe('h');
    await c.write(text.subarray(2));
    await c.end();
    expect(await s.readString()).toBe('€llo');
    expect(await s.readString()).toBeUndefined();
  });

  it('reports every failure as its SocketError', async () => {
    net = pair();
    expect(await failure(net.b.sockets.connect('10.0.0.1', 81))).toBe('ECONNREFUSED');
    const l = await net.a.sockets.listen(7);
    expect(await failure(net.a.sockets.listen(7))).toBe('EADDRINUSE');
    expect(await failure(net.a.sockets.listen(8, { host: '10.9.9.9' }))).toBe('EADDRNOTAVAIL');

    // The peer resets: a parked read fails with ECONNRESET.
    const c = await net.b.sockets.connect('10.0.0.1', 7);
    const s = await l.accept();
    if (s === undefined) throw new Error('no connection');
    const reading = failure(s.read());
    c.tcp.abort();
    expect(await reading).toBe('ECONNRESET');

    // Writing after end() is EPIPE; anything after close() is CLOSED, a parked read too.
    const c2 = await net.b.sockets.connect('10.0.0.1', 7);
    await c2.end();
    expect(await failure(c2.write('x'))).toBe('EPIPE');
    const parked = failure(c2.read());
    c2.close();
    expect(await parked).toBe('CLOSED');
    expect(await failure(c2.write('x'))).toBe('CLOSED');
    expect(await failure(c2.read())).toBe('CLOSED');
  });

  it('times out an idle read and a connect that gets no answer', async () => {
    net = pair();
    const l = await net.a.sockets.listen(7);
    const c = await net.b.sockets.connect('10.0.0.1', 7);
    c.setTimeout(40);
    const t0 = performance.now();
    expect(await failure(c.read())).toBe('ETIMEDOUT');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(39);
    expect(await failure(c.read(0))).toBe('EINVAL');
    await l.close();
    net.cut(true);
    expect(await failure(net.b.sockets.connect('10.0.0.1', 7, 60))).toBe('ETIMEDOUT');
  });

  it('closes a listener: a parked accept gives undefined and the port is free again', async () => {
    net = pair();
    const l = await net.a.sockets.listen(0);
    expect(l.port).toBeGreaterThanOrEqual(49152);
    const parked = l.accept();
    await l.close();
    expect(await parked).toBeUndefined();
    const again = await net.a.sockets.listen(l.port);
    expect(again.port).toBe(l.port);
  });

  it('shares a port between listens that say reusePort: connections go to the waiting ones in turn', async () => {
    net = pair();
    const s = net.a.sockets;
    const first = await s.listen(8080, { reusePort: true });
    // Without reusePort on both sides the port stays taken.
    expect(await failure(s.listen(8080))).toBe('EADDRINUSE');
    const plain = await s.listen(8081);
    expect(await failure(s.listen(8081, { reusePort: true }))).toBe('EADDRINUSE');
    await plain.close();
    const members = [
      first,
      await s.listen(8080, { reusePort: true }),
      await s.listen(8080, { reusePort: true }),
    ];
    const got: number[][] = [[], [], []];
    // Each member takes connections one at a time, as a CPU's accept loop does.
    const loops = members.map(async (l, m) => {
      for (;;) {
        const c = await l.accept();
        if (c === undefined) return;
        got[m].push(c.remotePort);
        await echo(c);
        c.close();
      }
    });
    const roundTrip = async (i: number): Promise<string> => {
      const c = await net.b.sockets.connect('10.0.0.1', 8080);
      const back = readAll(c);
      await c.write(`ping ${i}`);
      await c.end();
      const text = Buffer.from(await back).toString();
      c.close();
      return text;
    };
    for (let i = 0; i < 9; i++) expect(await roundTrip(i)).toBe(`ping ${i}`);
    // One client at a time: each connection went to the member that had waited longest.
    expect(got.map((g) => g.length)).toEqual([3, 3, 3]);
    // A member that leaves hands its turn on; the port listens while any member does.
    await members[0].close();
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => roundTrip(100 + i)));
    expect(burst).toEqual(Array.from({ length: 12 }, (_, i) => `ping ${100 + i}`));
    expect(got[0].length).toBe(3);
    expect(got[1].length + got[2].length).toBe(18);
    expect(got[1].length).toBeGreaterThan(3);
    expect(got[2].length).toBeGreaterThan(3);
    await members[1].close();
    await members[2].close();
    await Promise.all(loops);
    // The last member closed the port: it is free again, for a listen without reusePort too.
    expect(await failure(net.b.sockets.connect('10.0.0.1', 8080, 2000))).toBe('ECONNREFUSED');
    (await s.listen(8080)).close();
  }, 30_000);

  it('sends and receives UDP datagrams, with sizes and closed sockets refused', async () => {
    net = pair();
    const server = await net.a.sockets.udpSocket(5353);
    const client = await net.b.sockets.udpSocket();
    await client.send('ping', '10.0.0.1', 5353);
    const d = await server.receive();
    expect(Buffer.from(d.data).toString()).toBe('ping');
    expect(d.host).toBe('10.0.0.2');
    await server.send(d.data, d.host, d.port);
    expect(Buffer.from((await client.receive()).data).toString()).toBe('ping');
    expect(await failure(client.send(new Uint8Array(70000), '10.0.0.1', 5353))).toBe('EMSGSIZE');
    expect(await failure(net.a.sockets.udpSocket(5353))).toBe('EADDRINUSE');
    const parked = failure(server.receive());
    server.close();
    expect(await parked).toBe('CLOSED');
  });
});

describe('what an owner loop that sleeps needs to know', () => {
  it('nextDeadline says when to look again, onActivity when work came while it slept', async () => {
    net = pair();
    const a = net.a.sockets;
    let activity = 0;
    a.onActivity(() => activity++);
    await net.a.step();
    expect(a.nextDeadline()).toBe(-1); // no connection, no parked call with a deadline
    const l = await a.listen(7);
    const accepted = l.accept();
    const c = await net.b.sockets.connect('10.0.0.1', 7);
    const s = await accepted;
    if (s === undefined) throw new Error('no connection');
    expect(activity).toBeGreaterThan(0); // the SYN made a connection: its timers count now
    await net.a.step();
    const now = performance.now();
    const next = a.nextDeadline();
    expect(next).toBeGreaterThanOrEqual(0); // the connection's timers: looked at within 10 ms
    expect(next).toBeLessThanOrEqual(now + 10);
    // A read with an idle timeout parks with a deadline: news for the owner, and its deadline.
    const before = activity;
    s.setTimeout(5_000);
    const read = s.read();
    expect(activity).toBeGreaterThan(before);
    await c.write(new TextEncoder().encode('x'));
    expect(new TextDecoder().decode(await read)).toBe('x');
    await c.end();
    await s.end();
  });
});
