// The DNS stub resolver against the slirp-like DNS server on virtual time.
import { describe, expect, it } from 'vitest';
import { DnsErrorCode, NetStack, readName } from '../src/index.js';
import { CaptureLink, ip, OUR_MAC, VirtualClock } from './sim/sim.js';
import { run, SLIRP_DNS, SLIRP_GUEST, SLIRP_GW, SlirpPeer } from './sim/slirp.js';

function setup() {
  const peer = new SlirpPeer();
  peer.zone.set('example.test', [ip('93.184.216.34')]);
  const link = new CaptureLink(OUR_MAC);
  const clock = new VirtualClock(0);
  const stack = new NetStack(link, clock, 9);
  stack.start({ address: SLIRP_GUEST, netmask: ip('255.255.255.0'), gateway: SLIRP_GW, dns: [SLIRP_DNS] });
  return { peer, link, clock, stack };
}

describe('dns', () => {
  it('resolves, retries a lost query, and answers from the cache until the TTL ends', () => {
    const { peer, link, clock, stack } = setup();
    peer.dropQueries = 1;
    let got: number[] = [];
    stack.resolve('Example.Test', (err, a) => {
      got = err === null ? a : [-1];
    });
    expect(run(stack, link, clock, peer, () => got.length > 0, 10_000)).toBe(true);
    expect(got).toEqual([ip('93.184.216.34')]);
    expect(stack.counters.get('dns.retry')).toBe(1);
    expect(clock.now()).toBe(2000);
    let cached: number[] = [];
    stack.resolve('example.test', (_e, a) => {
      cached = a;
    });
    expect(cached).toEqual(got);
    expect(peer.seen.filter((s) => s.startsWith('dns')).length).toBe(2);
    clock.advance(301_000);
    let again = 0;
    stack.resolve('example.test', () => {
      again++;
    });
    run(stack, link, clock, peer, () => again > 0, 10_000);
    expect(peer.seen.filter((s) => s.startsWith('dns')).length).toBe(3);
  });

  it('reports NXDOMAIN, SERVFAIL and timeouts as typed errors', () => {
    const { peer, link, clock, stack } = setup();
    const codes: string[] = [];
    stack.resolve('nowhere.test', (e) => codes.push(e ? e.code : 'ok'));
    run(stack, link, clock, peer, () => codes.length === 1, 10_000);
    peer.rcode = 2;
    stack.resolve('example.test', (e) => codes.push(e ? e.code : 'ok'));
    run(stack, link, clock, peer, () => codes.length === 2, 10_000);
    peer.rcode = 0;
    peer.dropQueries = 3;
    stack.resolve('slow.test', (e) => codes.push(e ? e.code : 'ok'));
    run(stack, link, clock, peer, () => codes.length === 3, 20_000);
    expect(codes).toEqual([DnsErrorCode.NxDomain, DnsErrorCode.ServFail, DnsErrorCode.Timeout]);
    stack.resolve('bad..name', (e) => codes.push(e ? e.code : 'ok'));
    expect(codes[3]).toBe(DnsErrorCode.BadName);
  });

  it('refuses compression loops', () => {
    expect(readName(new Uint8Array([0xc0, 0]), 0)).toBeNull();
    expect(readName(new Uint8Array([1, 97, 0xc0, 0]), 0)).toBeNull();
    expect(readName(new Uint8Array([1, 65, 0]), 0)).toEqual(['a', 3]);
  });
});
