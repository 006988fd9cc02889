/** buildQemuArgs and parseMemorySize as pure functions. Real boots with these argvs are in guest.test.ts. */

import { describe, expect, it } from 'vitest';
import { buildQemuArgs, qemuConfigNotes } from '../../src/vm/cmdline.js';
import { VmOptionError } from '../../src/vm/errors.js';
import { parseMemorySize } from '../../src/vm/size.js';

/** The value following `flag` in argv (every occurrence). */
function valuesOf(argv: string[], flag: string): string[] {
  return argv.flatMap((a, i) => (a === flag ? [argv[i + 1]] : []));
}

describe('parseMemorySize', () => {
  it.each([
    ['64M', 64],
    ['64m', 64],
    ['2G', 2048],
    ['512MiB', 512],
    ['512MB', 512],
    ['1.5G', 1536],
    ['128', 128],
    ['4096K', 4],
    ['1T', 1024 * 1024],
    [' 32 M ', 32],
    [96, 96],
  ])('%s → %i MiB', (input, mib) => {
    expect(parseMemorySize(input)).toBe(mib);
  });

  it.each(['', 'abc', '-5M', '0M', '1.5M', '100K', '12Q', 'M', '64 MegaBytes', '1e3M', '0x40M'])(
    'rejects %j with a clear error',
    (input) => {
      expect(() => parseMemorySize(input)).toThrow(VmOptionError);
      expect(() => parseMemorySize(input)).toThrow(/memory size/);
    },
  );

  it('rejects non-integer and non-positive numbers', () => {
    expect(() => parseMemorySize(0)).toThrow(VmOptionError);
    expect(() => parseMemorySize(1.5)).toThrow(VmOptionError);
    expect(() => parseMemorySize(-1)).toThrow(VmOptionError);
  });
});

describe('buildQemuArgs', () => {
  const base = { image: '/tmp/k.elf', accel: 'tcg' as const };

  it('is headless, has serial on a stdio chardev, isa-debug-exit and the kernel', () => {
    const argv = buildQemuArgs(base);
    for (const flag of ['-nodefaults', '-no-user-config', '-no-reboot']) expect(argv).toContain(flag);
    expect(valuesOf(argv, '-display')).toEqual(['none']);
    expect(valuesOf(argv, '-chardev')).toEqual(['stdio,id=serial0,signal=off']);
    expect(valuesOf(argv, '-serial')).toEqual(['chardev:serial0']);
    expect(valuesOf(argv, '-device')).toEqual(['isa-debug-exit,iobase=0xf4,iosize=0x04']);
    expect(valuesOf(argv, '-kernel')).toEqual(['/tmp/k.elf']);
    expect(valuesOf(argv, '-machine')).toEqual(['microvm,x-option-roms=off']);
    expect(valuesOf(argv, '-smp')).toEqual(['1']);
    expect(valuesOf(argv, '-m')).toEqual(['128M']);
    expect(argv).not.toContain('-append');
    expect(argv).not.toContain('-netdev');
  });

  it('passes machine, accel, cpu model, cpus, memory and the command line through', () => {
    const argv = buildQemuArgs({
      ...base,
      machine: 'q35',
      accel: 'kvm',
      cpus: 4,
      memory: '2G',
      append: 'a=1 b',
    });
    expect(valuesOf(argv, '-machine')).toEqual(['q35']);
    expect(valuesOf(argv, '-accel')).toEqual(['kvm']);
    expect(valuesOf(argv, '-cpu')).toEqual(['host']);
    expect(valuesOf(argv, '-smp')).toEqual(['4']);
    expect(valuesOf(argv, '-m')).toEqual(['2048M']);
    // One argv element, no quoting: QEMU is spawned without a shell.
    expect(valuesOf(argv, '-append')).toEqual(['a=1 b']);
    expect(valuesOf(buildQemuArgs(base), '-cpu')).toEqual(['max']);
    expect(valuesOf(buildQemuArgs({ ...base, cpu: 'qemu64' }), '-cpu')).toEqual(['qemu64']);
  });

  it('splits CPUs and memory evenly across NUMA nodes', () => {
    const argv = buildQemuArgs({ ...base, machine: 'q35', cpus: 5, memory: '301M', numa: 2 });
    expect(valuesOf(argv, '-object')).toEqual([
      'memory-backend-ram,id=numa-mem0,size=151M',
      'memory-backend-ram,id=numa-mem1,size=150M',
    ]);
    expect(valuesOf(argv, '-numa')).toEqual([
      'node,nodeid=0,cpus=0-2,memdev=numa-mem0',
      'node,nodeid=1,cpus=3-4,memdev=numa-mem1',
    ]);
    const one = buildQemuArgs({ ...base, cpus: 2, memory: '64M', numa: 2 });
    expect(valuesOf(one, '-numa')).toEqual([
      'node,nodeid=0,cpus=0,memdev=numa-mem0',
      'node,nodeid=1,cpus=1,memdev=numa-mem1',
    ]);
    expect(() => buildQemuArgs({ ...base, cpus: 1, numa: 2 })).toThrow(/at least 2 CPUs/);
  });

  it('notes that microvm has no SRAT for NUMA', () => {
    expect(qemuConfigNotes({ ...base, cpus: 2, numa: 2 })).toEqual([expect.stringMatching(/SRAT/)]);
    expect(qemuConfigNotes({ ...base, machine: 'q35', cpus: 2, numa: 2 })).toEqual([]);
  });

  it('binds every host forward to 127.0.0.1 and picks the NIC for the machine', () => {
    const ports = [
      { host: 8080, guest: 80 },
      { host: 5353, guest: 53, proto: 'udp' as const },
    ];
    const micro = buildQemuArgs({ ...base, ports });
    expect(valuesOf(micro, '-netdev')).toEqual([
      'user,id=net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53',
    ]);
    expect(valuesOf(micro, '-device')).toContain('virtio-net-device,netdev=net0');
    // Modern virtio only: microvm's transports without the legacy interface, q35's NIC not transitional.
    expect(valuesOf(micro, '-global')).toContain('virtio-mmio.force-legacy=false');
    const q35 = buildQemuArgs({ ...base, machine: 'q35', ports });
    expect(valuesOf(q35, '-device')).toContain('virtio-net-pci,disable-legacy=on,netdev=net0');
    for (const bad of [0, 65536, 1.5, -1]) {
      expect(() => buildQemuArgs({ ...base, ports: [{ host: bad, guest: 80 }] })).toThrow(VmOptionError);
    }
  });

  it('puts the NIC on a hub with the user network and a loopback frame socket when asked', () => {
    const args = buildQemuArgs({
      ...base,
      machine: 'q35',
      ports: [{ host: 8080, guest: 80 }],
      frames: { qemuPort: 7100, peerPort: 7101 },
    });
    expect(valuesOf(args, '-netdev')).toEqual([
      'hubport,id=net0,hubid=0',
      'user,id=user0,restrict=on,hostfwd=tcp:127.0.0.1:8080-:80',
      'hubport,id=hub-user,hubid=0,netdev=user0',
      'dgram,id=frames,local.type=inet,local.host=127.0.0.1,local.port=7100,remote.type=inet,remote.host=127.0.0.1,remote.port=7101',
      'hubport,id=hub-frames,hubid=0,netdev=frames',
    ]);
    expect(valuesOf(args, '-device')).toContain('virtio-net-pci,disable-legacy=on,netdev=net0');
    expect(() => buildQemuArgs({ ...base, frames: { qemuPort: 0, peerPort: 7101 } })).toThrow(VmOptionError);
  });

  it('attaches the NIC to an existing tap device instead of the user network, and nothing with it', () => {
    const args = buildQemuArgs({ ...base, machine: 'q35', tap: 'tap0' });
    expect(valuesOf(args, '-netdev')).toEqual(['tap,id=net0,ifname=tap0,script=no,downscript=no']);
    expect(valuesOf(args, '-device')).toContain('virtio-net-pci,disable-legacy=on,netdev=net0');
    expect(valuesOf(buildQemuArgs({ ...base, tap: 'tap0' }), '-global')).toContain(
      'virtio-mmio.force-legacy=false',
    );
    expect(() => buildQemuArgs({ ...base, tap: 'tap0', ports: [{ host: 8080, guest: 80 }] })).toThrow(
      /user network/,
    );
    for (const bad of ['', 'tap0,script=/bin/sh', 'a-name-far-too-long']) {
      expect(() => buildQemuArgs({ ...base, tap: bad })).toThrow(VmOptionError);
    }
  });

  it('boots a disk image from the first drive on q35, read-only to QEMU, with no -kernel or -append', () => {
    const argv = buildQemuArgs({ image: '/tmp/a,b.img', bootFrom: 'disk', machine: 'q35', accel: 'tcg' });
    expect(valuesOf(argv, '-drive')).toEqual(['file=/tmp/a,,b.img,format=raw,snapshot=on']);
    expect(argv).not.toContain('-kernel');
    expect(() => buildQemuArgs({ image: 'd.img', bootFrom: 'disk', accel: 'tcg' })).toThrow(
      /use machine q35/,
    );
    expect(() =>
      buildQemuArgs({ image: 'd.img', bootFrom: 'disk', machine: 'q35', accel: 'tcg', append: 'x=1' }),
    ).toThrow(/--format disk --append/);
  });

  it('adds -icount only under TCG', () => {
    expect(valuesOf(buildQemuArgs({ ...base, icount: 3 }), '-icount')).toEqual(['shift=3']);
    expect(valuesOf(buildQemuArgs({ ...base, icount: 'auto' }), '-icount')).toEqual(['shift=auto']);
    expect(() => buildQemuArgs({ ...base, accel: 'kvm', icount: 3 })).toThrow(/icount needs accel tcg/);
    expect(() => buildQemuArgs({ ...base, icount: 11 })).toThrow(VmOptionError);
  });

  it('rejects bad cpus, machines and memory', () => {
    expect(() => buildQemuArgs({ ...base, cpus: 0 })).toThrow(/cpus/);
    expect(() => buildQemuArgs({ ...base, cpus: 2.5 })).toThrow(/cpus/);
    expect(() => buildQemuArgs({ ...base, machine: 'pc' as 'q35' })).toThrow(/machine/);
    expect(() => buildQemuArgs({ ...base, memory: 'lots' })).toThrow(/memory size/);
  });
});
