/**
 * The network in real QEMU guests (TCG): booted/echo.ts is compiled into a Toro image, booted on q35
 * (virtio-net-pci, 4 CPUs) and on microvm (virtio-mmio, 1 CPU) with QEMU's user networking, and must
 * get its address by DHCP, have its ping to the gateway answered, and echo every byte of real clients'
 * connections (nc and Node's net) forwarded from 127.0.0.1 — small and multi-megabyte, sequential and
 * concurrent — leaving its connection table as it found it, and sleeping until the device interrupts
 * (MSI-X on q35, an I/O APIC pin on microvm) when idle. Each guest is bounded by a timeout and
 * stopped by its own PID.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { allAtOnce, counters, nc, roundTrip, step, withEchoGuest } from './echo-guest.js';

describe.concurrent('the network in a booted guest', () => {
  test('q35, 4 CPUs: DHCP, ping, and echo for nc and Node — small, 2 MiB, 300 in sequence, 50 at once', {
    timeout: 180_000,
  }, async () => {
    const code = await withEchoGuest('q35', 4, async ({ port, lines }) => {
      expect(lines).toContainEqual(
        expect.stringMatching(/^net0: pci 00:0\d\.0 mac 52:54:00:12:34:56 mtu 1500 interrupts$/),
      );
      expect(lines).toContain('net0: address 10.0.2.15');
      expect(lines).toContain('net0: ping 10.0.2.2 answered');
      expect((await step('nc', () => nc(port, Buffer.from('hello, toro\n')))).toString()).toBe(
        'hello, toro\n',
      );
      const big = randomBytes(2 << 20);
      expect((await step('2 MiB', () => roundTrip(port, big))).equals(big)).toBe(true);
      const before = await step('counters before', () => counters(port));
      for (let i = 0; i < 300; i++) {
        const msg = Buffer.from(`connection ${i}\n`);
        expect((await step(`sequential ${i}`, () => roundTrip(port, msg, 10_000))).equals(msg)).toBe(true);
      }
      const many = Array.from({ length: 50 }, (_, i) => randomBytes(1000 + i * 97));
      const back = await step('50 at once', () => allAtOnce(port, many));
      for (const [i, b] of back.entries()) expect(b.equals(many[i])).toBe(true);
      const after = await step('counters after', () => counters(port));
      // The counters connection itself is the one in the table each time.
      expect(after.get('tcp.table')).toBe(before.get('tcp.table'));
      expect(after.get('stack.error') ?? 0).toBe(0);
      expect((after.get('tcp.conn.closed') ?? 0) - (before.get('tcp.conn.closed') ?? 0)).toBe(351);
      // Idle between the clients' packets, the guest slept until MSI-X woke it.
      expect(after.get('rest.wakes') ?? 0).toBeGreaterThan(before.get('rest.wakes') ?? 0);
    });
    expect(code).toBe(0);
  });

  test('microvm, 1 CPU: virtio-mmio found, DHCP, ping, nc echo of 1 MiB', { timeout: 180_000 }, async () => {
    const code = await withEchoGuest('microvm', 1, async ({ port, lines }) => {
      // The last of 24 slots: the second I/O APIC's pin 23, GSI 47.
      expect(lines).toContain('net0: mmio 0xfeb02e00 irq 47 mac 52:54:00:12:34:56 mtu 1500 interrupts');
      expect(lines).toContain('net0: address 10.0.2.15');
      expect(lines).toContain('net0: ping 10.0.2.2 answered');
      const data = randomBytes(1 << 20);
      expect((await nc(port, data)).equals(data)).toBe(true);
      expect((await counters(port)).get('rest.wakes') ?? 0).toBeGreaterThan(0);
    });
    expect(code).toBe(0);
  });
});
