/**
 * Hostile traffic in a real guest: the echo image's NIC sits on a QEMU hub with the user network and
 * a loopback frame socket, so the test writes raw Ethernet frames onto the guest's wire — runts,
 * unknown types, garbage IPv4, bad checksums, TCP with impossible header lengths, and a flood of SYNs
 * from spoofed addresses. The guest must count every bad frame as dropped, keep its half-open
 * connections within the listener's backlog (SYNs past it are dropped, and once a half-open one has
 * waited a retransmission timeout a new SYN resets it), keep its stack error-free, and go on echoing for
 * a real client right after the flood.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { describe, expect, test } from 'vitest';
import { counters, freeUdpPort, nc, step, withEchoGuest } from './echo-guest.js';

const GUEST_MAC = Buffer.from([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
const OUR_MAC = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x09]);
const GUEST_IP = Buffer.from([10, 0, 2, 15]);

/** The Internet checksum (RFC 1071) of `parts` laid end to end (each of even length but the last). */
function checksum(...parts: Buffer[]): number {
  let sum = 0;
  for (const b of Buffer.concat(parts).entries()) sum += b[0] % 2 === 0 ? b[1] << 8 : b[1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ethernet(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(14);
  GUEST_MAC.copy(h, 0);
  OUR_MAC.copy(h, 6);
  h.writeUInt16BE(type, 12);
  return Buffer.concat([h, payload]);
}

/** An IPv4 packet to the guest from `src`, its header checksum right unless `badChecksum`. */
function ipv4(src: Buffer, protocol: number, payload: Buffer, badChecksum = false): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h.writeUInt16BE(randomBytes(2).readUInt16BE(0), 4);
  h[8] = 64;
  h[9] = protocol;
  src.copy(h, 12);
  GUEST_IP.copy(h, 16);
  h.writeUInt16BE(checksum(h) ^ (badChecksum ? 0x5a5a : 0), 10);
  return Buffer.concat([h, payload]);
}

/** A TCP segment to the guest's port 7 with `flags`, a right checksum unless `badChecksum`. */
function tcp(
  src: Buffer,
  srcPort: number,
  flags: number,
  opts: { offsetWords?: number; badChecksum?: boolean } = {},
): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(7, 2);
  h.writeUInt32BE(randomBytes(4).readUInt32BE(0), 4);
  h[12] = (opts.offsetWords ?? 5) << 4;
  h[13] = flags;
  h.writeUInt16BE(65535, 14);
  const pseudo = Buffer.concat([src, GUEST_IP, Buffer.from([0, 6, 0, 20])]);
  h.writeUInt16BE(checksum(pseudo, h) ^ (opts.badChecksum ? 0x1234 : 0), 16);
  return ipv4(src, 6, h);
}

/** A spoofed source outside the guest's subnet (TEST-NET-2), so its replies go to the gateway. */
const spoofed = (i: number): Buffer => Buffer.from([198, 51, 100, 1 + (i % 250)]);

/** Every frame the test injects that the guest must drop, by kind. */
function badFrames(): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0; i < 50; i++) frames.push(randomBytes(1 + (i % 13))); // runts: no whole Ethernet header
  for (let i = 0; i < 50; i++) frames.push(ethernet(0x88b5, randomBytes(46))); // a type nobody speaks
  for (let i = 0; i < 100; i++) frames.push(ethernet(0x0800, randomBytes(20 + i))); // garbage as IPv4
  for (let i = 0; i < 50; i++) frames.push(ethernet(0x0800, ipv4(spoofed(i), 6, randomBytes(20), true)));
  for (let i = 0; i < 50; i++)
    frames.push(ethernet(0x0800, tcp(spoofed(i), 40000 + i, 0x02, { badChecksum: true })));
  for (let i = 0; i < 50; i++)
    frames.push(ethernet(0x0800, tcp(spoofed(i), 41000 + i, 0x02, { offsetWords: 15 })));
  return frames;
}

const SYN_FLOOD = 1000;
const FLOOD_BURST = 100;
const FLOOD_PAUSE_MS = 50;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function send(sock: Socket, port: number, frame: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    sock.send(frame, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
  );
}

/**
 * Sends `frames` in bursts of FLOOD_BURST with a pause between (still thousands a second): every frame
 * must reach the guest for the counts below, and a burst past the receive ring plus the host socket's
 * buffer (a few hundred datagrams) is lost on the host, before the guest sees it, when the emulator is
 * starved of CPU.
 */
async function sendPaced(sock: Socket, port: number, frames: Iterable<Buffer>): Promise<void> {
  let sent = 0;
  for (const f of frames) {
    await send(sock, port, f);
    if (++sent % FLOOD_BURST === 0) await pause(FLOOD_PAUSE_MS);
  }
}

function* synFlood(): Generator<Buffer> {
  for (let i = 0; i < SYN_FLOOD; i++) yield ethernet(0x0800, tcp(spoofed(i), 20000 + i, 0x02));
}

/** The sum of every `*.drop.*` counter. */
const drops = (m: Map<string, number>): number =>
  [...m].filter(([k]) => k.includes('.drop.')).reduce((s, [, v]) => s + v, 0);

describe('hostile traffic on a booted guest’s wire', () => {
  test('q35, 2 CPUs: 350 malformed frames dropped and counted, a SYN flood bounded, echo still served', {
    timeout: 180_000,
  }, async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    peer.on('message', () => undefined); // the guest's frames: not needed here, but read them
    const qemuPort = await freeUdpPort();
    try {
      const code = await withEchoGuest(
        'q35',
        2,
        async ({ port }) => {
          const before = await step('counters before', () => counters(port));
          const bad = badFrames();
          await sendPaced(peer, qemuPort, bad);
          await sendPaced(peer, qemuPort, synFlood());
          // Echo is served: the real client's SYN (or its retransmission a second later) takes the
          // place of the flood's oldest, whose SYN-ACK has gone unanswered for a whole RTO by then.
          expect(
            (await step('nc after the flood', () => nc(port, Buffer.from('still here\n')))).toString(),
          ).toBe('still here\n');
          const after = await step('counters after', () => counters(port));
          expect(after.get('stack.error') ?? 0).toBe(0);
          expect(drops(after) - drops(before)).toBeGreaterThanOrEqual(bad.length);
          expect(after.get('tcp.drop.bad-checksum') ?? 0).toBeGreaterThanOrEqual(50);
          expect(after.get('tcp.drop.bad-offset') ?? 0).toBeGreaterThanOrEqual(50);
          expect(after.get('ipv4.drop.bad-checksum') ?? 0).toBeGreaterThanOrEqual(50);
          expect(after.get('eth.drop.unknown-type') ?? 0).toBeGreaterThanOrEqual(50);
          // The flood's half-open connections stay within the backlog (64 in booted/echo.ts): each of
          // the rest of its SYNs was dropped, or (once a half-open one had waited an RTO) took its place.
          const bounded = (after.get('tcp.drop.backlog-full') ?? 0) + (after.get('tcp.syn.evicted') ?? 0);
          expect(bounded).toBeGreaterThan(SYN_FLOOD - 64 - 1);
          expect(after.get('tcp.table') ?? 0).toBeLessThanOrEqual((before.get('tcp.table') ?? 0) + 64);
        },
        { qemuPort, peerPort: peer.address().port },
      );
      expect(code).toBe(0);
    } finally {
      peer.close();
    }
  });
});
