/**
 * The SDK's sockets in a compiled image: `listen`, `connect` and `udpSocket` from `@toro/sdk` are these
 * (the compiler's SDK declaration re-exports them, packages/toolchain/src/compiler/frontend/sdk.ts).
 * On the CPU net0 is dedicated to (networkCpu()), a call uses the stack's sockets directly
 * (@toro/net src/sockets, brought up on first use by ./owner.ts); on any other CPU it goes to that CPU
 * through the message matrix (./remote.ts, ./pumps.ts) and behaves the same. The arguments are checked
 * as packages/sdk/src/net.ts checks them under `toro dev`.
 */
import { SocketError } from '@toro/net';
import {
  type Connection,
  type ConnectOptions,
  currentCpu,
  type Listener,
  type ListenOptions,
  networkCpu,
  spawnOn,
  type UdpOptions,
  type UdpSocket,
} from '@toro/sdk';
import { localSockets } from './owner.js';
import { remoteConnect, remoteListen, remoteUdp } from './pumps.js';
import { RemoteConnection, RemoteListener, RemoteUdpSocket, unwrap } from './remote.js';

export { SocketError } from '@toro/net';

function badPort(port: number, allowZero: boolean): boolean {
  return !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535;
}

/** Listens for TCP connections on `port` (0: a free one). */
export async function listen(port: number, options?: ListenOptions): Promise<Listener> {
  if (badPort(port, true)) throw new SocketError('EINVAL', `listen: port ${port} is not 0 to 65535`);
  const backlog = options?.backlog;
  if (backlog !== undefined && (!Number.isInteger(backlog) || backlog < 1))
    throw new SocketError('EINVAL', `listen: backlog ${backlog} is not a whole number >= 1`);
  const host = options?.host;
  if (host !== undefined && host === '')
    throw new SocketError('EINVAL', 'listen: host must be a non-empty address');
  const reusePort = options?.reusePort === true;
  const owner = networkCpu();
  if (currentCpu() === owner) {
    const s = await localSockets();
    // The stack's listener has the SDK Listener's members; `for await` over it is not compiled (TORO).
    return (await s.listen(port, { host, backlog, reusePort })) as unknown as Listener;
  }
  const r = await spawnOn(owner, remoteListen, port, host ?? '', backlog ?? 0, reusePort).join();
  const handle = unwrap(r);
  if (handle === null) throw new SocketError('EIO', 'listen: no listener came back');
  return new RemoteListener(handle) as unknown as Listener;
}

/** Opens a TCP connection to host:port. */
export async function connect(host: string, port: number, options?: ConnectOptions): Promise<Connection> {
  if (host === '') throw new SocketError('EINVAL', 'connect: host must be a non-empty address');
  if (badPort(port, false)) throw new SocketError('EINVAL', `connect: port ${port} is not 1 to 65535`);
  const t = options?.timeoutMs;
  if (t !== undefined && !(t > 0))
    throw new SocketError('EINVAL', `connect: timeoutMs ${t} is not a positive duration`);
  const owner = networkCpu();
  if (currentCpu() === owner) {
    const s = await localSockets();
    return (await s.connect(host, port, t)) as unknown as Connection;
  }
  const handle = unwrap(await spawnOn(owner, remoteConnect, host, port, t ?? 0).join());
  if (handle === null) throw new SocketError('EIO', 'connect: no connection came back');
  return new RemoteConnection(handle) as unknown as Connection;
}

/** Opens a UDP socket bound to `options.port` (default: a free one). */
export async function udpSocket(options?: UdpOptions): Promise<UdpSocket> {
  const port = options?.port;
  if (port !== undefined && badPort(port, true))
    throw new SocketError('EINVAL', `udpSocket: port ${port} is not 0 to 65535`);
  const owner = networkCpu();
  if (currentCpu() === owner) {
    const s = await localSockets();
    return (await s.udpSocket(port, options?.host)) as unknown as UdpSocket;
  }
  const handle = unwrap(await spawnOn(owner, remoteUdp, port ?? 0, options?.host ?? '').join());
  if (handle === null) throw new SocketError('EIO', 'udpSocket: no socket came back');
  return new RemoteUdpSocket(handle) as unknown as UdpSocket;
}
