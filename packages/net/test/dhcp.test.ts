// The DHCP client end to end against a slirp-like server on virtual time.
import { describe, expect, it } from 'vitest';
import { DhcpState, formatIp, NetStack } from '../src/index.js';
import { CaptureLink, OUR_MAC, VirtualClock } from './sim/sim.js';
import { run, SimWire, SLIRP_GW, SlirpPeer } from './sim/slirp.js';

function boot(peer: SlirpPeer): { stack: NetStack; link: CaptureLink; clock: VirtualClock } {
  const link = new CaptureLink(OUR_MAC);
  const clock = new VirtualClock(0);
  const stack = new NetStack(link, clock, 42);
  stack.start('dhcp');
  return { stack, link, clock };
}

describe('dhcp', () => {
  it('gets 10.0.2.15/24 with router and DNS like slirp gives, then pings the gateway', () => {
    const peer = new SlirpPeer();
    const { stack, link, clock } = boot(peer);
    expect(run(stack, link, clock, peer, () => stack.dhcp!.state === DhcpState.Bound, 60_000)).toBe(true);
    const s = stack.describe();
    expect([s.address, s.netmask, s.gateway, s.dns.join()]).toEqual([
      '10.0.2.15',
      '255.255.255.0',
      '10.0.2.2',
      '10.0.2.3',
    ]);
    expect(peer.seen).toEqual(['discover', 'request']);
    let ok = false;
    stack.ping(SLIRP_GW, (r) => {
      ok = r.ok;
    });
    run(stack, link, clock, peer, () => ok, 5_000);
    expect(ok).toBe(true);
  });

  it('retransmits the DISCOVER when the OFFER is lost, with backoff', () => {
    const peer = new SlirpPeer();
    peer.dropOffers = 2;
    const { stack, link, clock } = boot(peer);
    expect(run(stack, link, clock, peer, () => stack.dhcp!.state === DhcpState.Bound, 120_000)).toBe(true);
    expect(peer.seen).toEqual(['discover', 'discover', 'discover', 'request']);
    // 4 s then 8 s, each ±1 s.
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(clock.now()).toBeLessThanOrEqual(14_000);
  });

  it('starts over after a NAK', () => {
    const peer = new SlirpPeer();
    peer.nakRequests = 1;
    const { stack, link, clock } = boot(peer);
    expect(run(stack, link, clock, peer, () => stack.dhcp!.state === DhcpState.Bound, 60_000)).toBe(true);
    expect(peer.seen).toEqual(['discover', 'request', 'discover', 'request']);
    expect(stack.counters.get('dhcp.nak')).toBe(1);
  });

  it('renews at T1 by unicast and keeps the address', () => {
    const peer = new SlirpPeer();
    peer.leaseSeconds = 120;
    const { stack, link, clock } = boot(peer);
    run(stack, link, clock, peer, () => stack.dhcp!.state === DhcpState.Bound, 60_000);
    const first = stack.dhcp!.lease!.obtained;
    run(stack, link, clock, peer, () => stack.dhcp!.lease!.obtained > first, 100_000);
    expect(stack.dhcp!.lease!.obtained - first).toBe(60_000);
    expect(peer.seen).toEqual(['discover', 'request', 'request']);
    expect(formatIp(stack.ipv4.localAddress())).toBe('10.0.2.15');
    expect(stack.dhcp!.state).toBe(DhcpState.Bound);
  });
});

describe('over an impaired wire', () => {
  it('gets the lease, pings and resolves with 20% loss, duplication and reordering', () => {
    const peer = new SlirpPeer();
    peer.zone.set('toro.test', [0x0a000263]);
    const link = new CaptureLink(OUR_MAC);
    const clock = new VirtualClock(0);
    const stack = new NetStack(link, clock, 5);
    const wire = new SimWire(stack, link, clock, peer, {
      loss: 0.2,
      duplicate: 0.2,
      reorder: 0.2,
      delayMs: 5,
      seed: 11,
    });
    stack.start('dhcp');
    expect(wire.run(() => stack.dhcp!.state === DhcpState.Bound, 300_000)).toBe(true);
    let pinged = false;
    const tryPing = () =>
      stack.ping(SLIRP_GW, (r) => {
        if (r.ok) pinged = true;
        else tryPing();
      });
    tryPing();
    expect(wire.run(() => pinged, 60_000)).toBe(true);
    // Under 20% loss each way three tries can all fail (about 5%): a caller retries, as here.
    let addr = 0;
    const tryResolve = () =>
      stack.resolve('toro.test', (e, a) => {
        if (e === null) addr = a[0];
        else if (e.code === 'timeout') tryResolve();
        else addr = -1;
      });
    tryResolve();
    expect(wire.run(() => addr !== 0, 60_000)).toBe(true);
    expect(addr).toBe(0x0a000263);
    expect(wire.lost).toBeGreaterThan(0);
    expect(stack.counters.get('stack.error')).toBe(0);
  });
});
