/** Counters and the trouble report a booted image's network owner logs. */
import { describe, expect, it } from 'vitest';
import { Counters, isTrouble, TroubleReport } from '../src/index.js';

describe('counters', () => {
  it('count by name in the order first counted', () => {
    const c = new Counters();
    c.add('eth.rx');
    c.add('ipv4.drop.bad-checksum', 2);
    c.add('eth.rx', 3);
    expect(c.get('eth.rx')).toBe(4);
    expect(c.get('never')).toBe(0);
    expect(c.entries()).toEqual([
      ['eth.rx', 4],
      ['ipv4.drop.bad-checksum', 2],
    ]);
  });

  it('report the trouble counters that moved since the last look, and nothing when none did', () => {
    expect(
      ['eth.drop.not-for-us', 'tcp.retransmit', 'virtio-net.tx.drop.ring-full', 'tcp.conn.limit'].every(
        isTrouble,
      ),
    ).toBe(true);
    expect(['eth.rx', 'tcp.conn.active', 'udp.tx'].some(isTrouble)).toBe(false);
    const stack = new Counters();
    const nic = new Counters();
    const report = new TroubleReport();
    expect(report.line([nic, stack])).toBe('');
    stack.add('eth.rx', 50);
    stack.add('eth.drop.not-for-us', 12);
    nic.add('virtio-net.rx.drop.runt');
    expect(report.line([nic, stack])).toBe('virtio-net.rx.drop.runt +1 (1), eth.drop.not-for-us +12 (12)');
    stack.add('eth.rx');
    expect(report.line([nic, stack])).toBe('');
    stack.add('eth.drop.not-for-us', 3);
    stack.add('tcp.retransmit');
    expect(report.line([nic, stack])).toBe('eth.drop.not-for-us +3 (15), tcp.retransmit +1 (1)');
  });
});
