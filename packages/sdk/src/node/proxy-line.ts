/**
 * The line a shared port's hub (./shared-ports.ts) writes ahead of each connection it hands to a CPU,
 * so the CPU's `Connection` reports the real client: the PROXY protocol's version 1 header, as HAProxy
 * specifies it (`PROXY TCP4 <source> <destination> <source port> <destination port>\r\n`, at most 107
 * bytes).
 */

/** The longest header version 1 allows, CRLF included. */
export const PROXY_LINE_MAX = 107;

export interface ProxiedPeer {
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

/** The header for a connection from `source`:`sourcePort` to `destination`:`destinationPort`. */
export function proxyLine(
  source: string,
  sourcePort: number,
  destination: string,
  destinationPort: number,
): string {
  const family = source.includes(':') ? 'TCP6' : 'TCP4';
  return `PROXY ${family} ${source} ${destination} ${sourcePort} ${destinationPort}\r\n`;
}

/**
 * The header at the start of `head`: the peer it names and where the stream's own bytes begin; 'more'
 * while no CRLF came yet (and the header could still fit); 'bad' for anything else.
 */
export function parseProxyLine(head: Buffer): { peer: ProxiedPeer; rest: number } | 'more' | 'bad' {
  const end = head.indexOf('\r\n');
  if (end < 0) return head.length < PROXY_LINE_MAX ? 'more' : 'bad';
  if (end + 2 > PROXY_LINE_MAX) return 'bad';
  const words = head.subarray(0, end).toString('latin1').split(' ');
  if (words.length !== 6 || words[0] !== 'PROXY' || (words[1] !== 'TCP4' && words[1] !== 'TCP6'))
    return 'bad';
  const port = (w: string): number => (/^\d{1,5}$/.test(w) && Number(w) <= 65535 ? Number(w) : -1);
  const remotePort = port(words[4]);
  const localPort = port(words[5]);
  if (remotePort < 0 || localPort < 0 || words[2] === '') return 'bad';
  return { peer: { remoteAddress: words[2], remotePort, localPort }, rest: end + 2 };
}
