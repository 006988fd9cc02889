// virtio 1.x on the simulated machine: handshake on both transports, frames both ways, offloads, link, interrupts, a hostile device.
import { describe, expect, it } from 'vitest';
import { LegacyConfig } from '../src/pci/config.js';
import { enumerate } from '../src/pci/enumerate.js';
import { parseVirtioMmioCmdline } from '../src/virtio/cmdline.js';
import { VirtioError } from '../src/virtio/constants.js';
import { VirtioMmioTransport } from '../src/virtio/mmio-transport.js';
import { VirtioNet } from '../src/virtio/net.js';
import { VirtioPciTransport } from '../src/virtio/pci-transport.js';
import { legacyNetPci, virtioNetMmio, virtioNetPci } from './sim/fronts.js';
import { SimMachine } from './sim/machine.js';
import { SimPciBus } from './sim/pci.js';
import { frameOf, mmioRig, pciRig, type Rig } from './sim/setup.js';
import { F, SimVirtioNet } from './sim/virtio-net.js';

function clean(r: Rig): void {
  expect(r.machine.violations).toEqual([]);
  expect(r.machine.deviceFaults).toEqual([]);
  expect(r.dev.errors).toEqual([]);
}

describe('virtio handshake', () => {
  for (const [name, make] of [
    ['pci', pciRig],
    ['mmio', mmioRig],
  ] as const) {
    it(`${name}: negotiates features, reads MAC and MTU, reaches DRIVER_OK`, () => {
      const r = make({ mtu: 1400, mac: [2, 0, 0, 0xaa, 0xbb, 0xcc] });
      expect(r.dev.status).toBe(1 | 2 | 8 | 4);
      expect(Array.from(r.net.mac)).toEqual([2, 0, 0, 0xaa, 0xbb, 0xcc]);
      expect(r.net.mtu).toBe(1400);
      expect(r.net.mergeable && r.net.csumOffload && r.net.guestCsum && r.net.hasStatus).toBe(true);
      expect(r.net.interruptDriven).toBe(true);
      expect(r.net.up()).toBe(true);
      clean(r);
    });
  }

  it('refuses a legacy-only PCI device and a version-1 MMIO device with a clear error', () => {
    const m = new SimMachine();
    const bus = new SimPciBus(m);
    bus.add(0, 3, 0, legacyNetPci());
    const fn = enumerate(new LegacyConfig(m))[0];
    expect(() => new VirtioPciTransport(m, fn)).toThrow(/legacy-only device/);
    virtioNetMmio(m, new SimVirtioNet(m), 0xfeb00000, 5, 1);
    expect(() => new VirtioMmioTransport(m, { base: 0xfeb00000, size: 512, irq: 5 })).toThrow(
      /legacy virtio-mmio device \(version 1\)/,
    );
  });

  it('refuses a device without VERSION_1 and sets FAILED', () => {
    const m = new SimMachine();
    const dev = new SimVirtioNet(m, { features: [F.MAC] });
    virtioNetMmio(m, dev, 0xfeb00000, 5, 2);
    const t = new VirtioMmioTransport(m, { base: 0xfeb00000, size: 512, irq: 5 });
    expect(() => new VirtioNet(m, t, { cpu: 0 })).toThrow(/VIRTIO_F_VERSION_1/);
    expect(dev.status & 0x80).toBe(0x80);
  });

  it('fails cleanly when the device rejects FEATURES_OK', () => {
    const m = new SimMachine();
    const dev = new SimVirtioNet(m);
    dev.acceptFeatures = () => false;
    virtioNetMmio(m, dev, 0xfeb00000, 5, 2);
    const t = new VirtioMmioTransport(m, { base: 0xfeb00000, size: 512, irq: 5 });
    let err: unknown;
    try {
      new VirtioNet(m, t, { cpu: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VirtioError);
    expect(String(err)).toMatch(/rejected the features/);
    expect(dev.status & 0x80).toBe(0x80);
    expect(dev.status & 4).toBe(0);
  });

  it('drives the device through ECAM as well as the legacy ports', () => {
    const r = pciRig({}, {}, true);
    r.dev.inject(frameOf(60, 1));
    expect(r.net.poll()).toBe(1);
    clean(r);
  });
});

describe('virtio-net frames', () => {
  for (const [name, make] of [
    ['pci', pciRig],
    ['mmio', mmioRig],
  ] as const) {
    it(`${name}: 5000 frames each way through 64-entry rings (wrap-around), every byte right`, () => {
      const r = make({}, { queueSize: 64 });
      let got = 0;
      for (let i = 0; i < 5000; i++) {
        const len = 60 + ((i * 37) % 1455);
        expect(r.net.transmit(frameOf(len, i))).toBe(true);
        r.dev.inject(frameOf(len, i));
        got += r.net.poll();
      }
      expect(got).toBe(5000);
      expect(r.dev.transmitted.length).toBe(5000);
      for (let i = 0; i < 5000; i += 97) {
        const len = 60 + ((i * 37) % 1455);
        expect(r.dev.transmitted[i].frame).toEqual(frameOf(len, i));
        expect(r.frames[i].frame).toEqual(frameOf(len, i));
      }
      expect(r.net.counters.txCompleted).toBeGreaterThan(4900);
      clean(r);
    });
  }

  it('assembles a frame merged from several small receive buffers (MRG_RXBUF)', () => {
    const r = pciRig({}, { rxBufferSize: 256 });
    for (let i = 0; i < 300; i++) r.dev.inject(frameOf(1514, i));
    let n = 0;
    for (let k = 0; k < 50 && n < 300; k++) n += r.net.poll();
    expect(n).toBe(300);
    expect(r.frames[299].frame).toEqual(frameOf(1514, 299));
    expect(r.frames[0].frame).toEqual(frameOf(1514, 0));
    clean(r);
  });

  it('without MRG_RXBUF a buffer holds a whole frame', () => {
    const r = mmioRig({}, { disable: [F.MRG_RXBUF], rxBufferSize: 256 });
    expect(r.net.mergeable).toBe(false);
    r.dev.inject(frameOf(1514, 3));
    expect(r.net.poll()).toBe(1);
    expect(r.frames[0].frame).toEqual(frameOf(1514, 3));
    clean(r);
  });

  it('checksum offload: NEEDS_CSUM on transmit, DATA_VALID and NEEDS_CSUM on receive, software fallback', () => {
    const udp = () => {
      const f = frameOf(100, 9);
      f[14 + 20 + 6] = 0x12; // pseudo-header sum placed in the UDP checksum field
      f[14 + 20 + 7] = 0x34;
      return f;
    };
    const r = pciRig();
    expect(r.net.transmitPartial(udp(), 34, 6)).toBe(true);
    const sent = r.dev.transmitted[0];
    expect(sent.flags & 1).toBe(1);
    expect([sent.csumStart, sent.csumOffset]).toEqual([34, 6]);
    const soft = pciRig({}, { disable: [F.CSUM] });
    soft.net.transmitPartial(udp(), 34, 6);
    expect(soft.dev.transmitted[0].flags).toBe(0);
    expect(soft.dev.transmitted[0].frame).toEqual(sent.frame); // device and driver compute the same checksum

    r.dev.inject(frameOf(80, 1), { csum: 'valid' });
    r.dev.inject(frameOf(80, 2));
    r.dev.inject(udp(), { csum: 'partial', csumStart: 34, csumOffset: 6 });
    r.dev.inject(frameOf(80, 4), { csum: 'partial', csumStart: 70, csumOffset: 20 });
    r.net.poll();
    expect(r.frames.map((f) => f.valid)).toEqual([true, false, true]);
    expect(r.frames[2].frame).toEqual(sent.frame);
    expect(r.net.counters.rxBadChecksumOffsets).toBe(1);
    clean(r);
  });

  it('follows link status changes and refuses to send while down; counts oversized transmits', () => {
    const r = mmioRig();
    r.dev.setLink(false);
    r.net.poll();
    expect(r.net.up()).toBe(false);
    expect(r.net.transmit(frameOf(60, 1))).toBe(false);
    expect(r.net.counters.txLinkDown).toBe(1);
    r.dev.setLink(true);
    r.net.poll();
    expect(r.net.up()).toBe(true);
    expect(r.net.transmit(frameOf(1519, 1))).toBe(false);
    expect(r.net.counters.txTooLarge).toBe(1);
    expect(r.net.counters.configChanges).toBe(2);
  });

  it('a full transmit ring drops and counts instead of blocking', () => {
    const r = pciRig({}, { queueSize: 16 });
    r.dev.queues[1].ready = false; // the device stops taking transmit buffers
    let ok = 0;
    for (let i = 0; i < 20; i++) if (r.net.transmit(frameOf(60, i))) ok++;
    expect(ok).toBe(16);
    expect(r.net.counters.txRingFull).toBe(4);
  });
});

describe('interrupts when idle, polling under load', () => {
  for (const eventIdx of [true, false]) {
    it(`suppresses receive interrupts while polling and re-arms them when idle (event idx ${eventIdx})`, () => {
      const r = pciRig({}, eventIdx ? {} : { disable: [F.EVENT_IDX] });
      const irqs = () => r.machine.interruptCount();
      r.dev.inject(frameOf(60, 0));
      expect(irqs()).toBe(1);
      expect(r.net.poll()).toBe(1);
      const before = irqs();
      for (let i = 1; i <= 100; i++) r.dev.inject(frameOf(60, i));
      expect(irqs()).toBe(before); // under load: no interrupt per frame
      expect(r.net.poll(200)).toBe(100);
      expect(r.net.idle()).toBe(true);
      r.dev.inject(frameOf(60, 101));
      expect(irqs()).toBe(before + 1); // idle: the next frame interrupts
      expect(r.net.idle()).toBe(false); // work waiting: do not sleep
      expect(r.net.poll()).toBe(1);
      // Transmit completions never interrupt.
      for (let i = 0; i < 50; i++) r.net.transmit(frameOf(60, i));
      expect(irqs()).toBe(before + 1);
      clean(r);
    });
  }
});

describe('a hostile device', () => {
  it('bad used lengths, bogus and reused ids, a runaway used index, bad num_buffers: counted, survived, nothing read outside', () => {
    const r = pciRig({}, { queueSize: 32 });
    const q = r.dev.queues[0];
    // A used entry for a real buffer with a length past it.
    const head = r.machine.devRead(q.avail + 4 + 2 * (q.lastAvail % q.size), 2);
    q.lastAvail++;
    r.dev.writeUsed(q, q.usedIdx, head, 100000);
    r.dev.publishUsed(0, 1);
    // A bogus id.
    r.dev.writeUsed(q, q.usedIdx, 999, 60);
    r.dev.publishUsed(0, 1);
    expect(r.net.poll()).toBe(0);
    expect(r.net.counters.rxBadLength).toBe(1);
    expect(r.net.counters.badIds).toBe(1);
    // A transmit id completed twice: with nothing in flight the extra entry is a runaway used index.
    expect(r.net.transmit(frameOf(60, 1))).toBe(true);
    const tq = r.dev.queues[1];
    const txHead = r.machine.devRead(tq.used + 4 + 8 * ((tq.usedIdx - 1) % tq.size), 4);
    r.net.poll();
    r.dev.writeUsed(tq, tq.usedIdx, txHead, 0);
    r.dev.publishUsed(1, 1);
    r.net.poll();
    expect(r.net.counters.badUsedIdx).toBe(1);
    expect(r.net.counters.txCompleted).toBe(1);
    expect(r.net.transmit(frameOf(60, 2))).toBe(true);
    // The driver still works.
    r.dev.inject(frameOf(200, 7));
    expect(r.net.poll()).toBe(1);
    expect(r.frames[0].frame).toEqual(frameOf(200, 7));
    // A header claiming 60000 merged buffers.
    const h2 = r.machine.devRead(q.avail + 4 + 2 * (q.lastAvail % q.size), 2);
    q.lastAvail++;
    const addr = r.machine.devRead(q.desc + 16 * h2, 8);
    r.machine.devWrite(addr + 10, 2, 60000);
    r.dev.writeUsed(q, q.usedIdx, h2, 80);
    r.dev.publishUsed(0, 1);
    expect(r.net.poll()).toBe(0);
    expect(r.net.counters.rxBadLength).toBe(2);
    // A used index far ahead of what is in flight: nothing is taken.
    r.machine.devWrite(q.used + 2, 2, (q.usedIdx + 5000) & 0xffff);
    expect(r.net.poll()).toBe(0);
    expect(r.net.counters.badUsedIdx).toBeGreaterThan(1);
    expect(r.machine.violations).toEqual([]);
  });

  it('DEVICE_NEEDS_RESET stops the driver cleanly', () => {
    const r = mmioRig();
    r.dev.needsReset();
    expect(r.net.poll()).toBe(0);
    expect(r.net.broken).toBe(true);
    expect(r.net.up()).toBe(false);
    expect(r.net.transmit(frameOf(60, 0))).toBe(false);
    expect(r.net.counters.deviceErrors).toBe(1);
  });
});

describe('polling without MSI-X', () => {
  it('a PCI device whose MSI-X table is too small is polled, config changes found through the ISR', () => {
    const m = new SimMachine();
    const dev = new SimVirtioNet(m);
    const bus = new SimPciBus(m);
    bus.add(0, 3, 0, virtioNetPci(m, dev, { msixEntries: 1 }).fn);
    const net = new VirtioNet(m, new VirtioPciTransport(m, enumerate(new LegacyConfig(m))[0]), { cpu: 0 });
    expect(net.interruptDriven).toBe(false);
    const got: Uint8Array[] = [];
    net.onReceive((f) => got.push(f));
    dev.inject(frameOf(64, 5));
    expect(net.poll()).toBe(1);
    expect(got[0]).toEqual(frameOf(64, 5));
    dev.setLink(false);
    net.poll();
    expect(net.up()).toBe(false);
    expect(m.interruptCount()).toBe(0);
  });

  it('the simulator notices a stray access (so the clean checks above can fail)', () => {
    const m = new SimMachine();
    m.read32(0x5000);
    m.copyToPhys(m.dmaAlloc(16, 16), new Uint8Array(32), 0, 32);
    expect(m.violations.length).toBe(2);
  });
});

describe('the microvm command line', () => {
  it('parses virtio_mmio.device words and rejects malformed ones', () => {
    const c = parseVirtioMmioCmdline(
      'console=ttyS0 virtio_mmio.device=512@0xfeb00e00:12 virtio_mmio.device=4K@0xfeb00c00:11:3 virtio_mmio.device=512@zz:1 virtio_mmio.device=512@0x1000 exit=3',
    );
    expect(c.devices).toEqual([
      { base: 0xfeb00e00, size: 512, irq: 12 },
      { base: 0xfeb00c00, size: 4096, irq: 11 },
    ]);
    expect(c.rejected).toEqual(['virtio_mmio.device=512@zz:1', 'virtio_mmio.device=512@0x1000']);
    expect(parseVirtioMmioCmdline('').devices).toEqual([]);
  });
});
