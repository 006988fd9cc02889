/**
 * SMP and NUMA discovery under QEMU (TCG): every CPU QEMU was given comes online with a dense cpu id and
 * a distinct APIC id, in the node QEMU's -numa options put it in; node_ranges hold each node's memory
 * (the SRAT's view), inside usable RAM; without an SRAT (microvm, even with -numa) there is one node.
 * Also the TSC rate from three independent references (ACPI PM timer on q35, PIT on microvm, CMOS RTC
 * on microvm without PIT) and the LAPIC timer rate measured against it.
 *
 * Topologies follow QEMU's numbering: CPU i has APIC id i, and `-numa node,cpus=a-b` puts CPUs a..b in
 * that node. The kernel learns all of that only from the MADT and SRAT (or fw_cfg), never from here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Banner, parseBanner } from '../src/index.js';
import { buildKernel } from './helpers/build-kernel.js';
import { bootQemu, guestExitCode, type QemuBoot } from './helpers/qemu.js';

let dir: string;
let kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'toro-topology-'));
  kernel = join(dir, 'toro.elf');
  await writeFile(kernel, (await buildKernel()).elf);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface NumaNode {
  cpus: [number, number];
  mib: number;
}

/** -object/-numa options for `nodes`, as QEMU's documentation spells them. */
function numaArgs(nodes: NumaNode[]): string[] {
  return nodes.flatMap((n, i) => [
    '-object',
    `memory-backend-ram,id=m${i},size=${n.mib}M`,
    '-numa',
    `node,nodeid=${i},cpus=${n.cpus[0]}-${n.cpus[1]},memdev=m${i}`,
  ]);
}

async function boot(opts: Omit<QemuBoot, 'kernel'>): Promise<Banner> {
  const result = await bootQemu({ kernel, timeoutMs: 60_000, ...opts });
  if (result.timedOut) throw new Error(`QEMU timed out: ${result.args.join(' ')}\n${result.stdout}`);
  const banner = parseBanner(result.stdout);
  expect(banner.errors, result.stdout).toEqual([]);
  expect(guestExitCode(result.status!)).toBe(banner.exit);
  return banner;
}

/** Every CPU online once, ids dense from 0, the BSP (APIC id 0 under QEMU) first. */
function expectCpus(banner: Banner, smp: number, nodeOf: (cpu: number) => number): void {
  expect(banner.online?.cpus).toBe(smp);
  expect(banner.cpuList.map((c) => c.cpu)).toEqual([...Array(smp).keys()]);
  expect(new Set(banner.cpuList.map((c) => c.apic)).size).toBe(smp);
  expect(banner.cpuList[0]!.apic).toBe(0);
  for (const c of banner.cpuList) expect(c.node, `cpu ${c.cpu}`).toBe(nodeOf(c.apic));
}

/** node_ranges lie inside usable RAM, above the kernel (1 MiB +), and do not overlap. */
function expectRangesInRam(banner: Banner): void {
  const usable = banner.memmap.filter((e) => e.type === 'usable');
  const sorted = [...banner.nodeRanges].sort((a, b) => (a.start < b.start ? -1 : 1));
  sorted.forEach((r, i) => {
    expect(r.start).toBeGreaterThan(0x100000n);
    expect(r.end).toBeGreaterThan(r.start);
    expect(usable.some((e) => e.start <= r.start && r.end <= e.end)).toBe(true);
    if (i > 0) expect(r.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
  });
}

function mibOfNode(banner: Banner, node: number): number {
  const bytes = banner.nodeRanges.filter((r) => r.node === node).reduce((s, r) => s + (r.end - r.start), 0n);
  return Number(bytes) / (1024 * 1024);
}

describe.each([
  { machine: 'microvm', smp: 1 },
  { machine: 'microvm', smp: 2 },
  { machine: 'microvm', smp: 4 },
  { machine: 'q35', smp: 1 },
  { machine: 'q35', smp: 2 },
  { machine: 'q35', smp: 4 },
  { machine: 'q35', smp: 8 },
  { machine: 'microvm,acpi=off', smp: 4 },
])('$machine -smp $smp', ({ machine, smp }) => {
  test('every CPU comes online, all in node 0; node 0 has the RAM above the kernel', async () => {
    const banner = await boot({ machine, memory: '128M', smp, append: 'exit=4' });
    expectCpus(banner, smp, () => 0);
    expect(banner.online).toEqual({ cpus: smp, nodes: 1, srat: false });
    expectRangesInRam(banner);
    // All of -m but the first MiB, the kernel image and the kernel's own boot allocations.
    expect(mibOfNode(banner, 0)).toBeGreaterThan(128 - 4);
  });
});

test('16 MiB is enough to boot with 2 CPUs', async () => {
  const banner = await boot({ machine: 'microvm', memory: '16M', smp: 2, append: 'exit=9' });
  expectCpus(banner, 2, () => 0);
  expect(banner.exit).toBe(9);
  expect(mibOfNode(banner, 0)).toBeGreaterThan(10);
});

describe.each([
  {
    name: '2 nodes, 96 + 32 MiB, CPUs 3 + 1',
    nodes: [
      { cpus: [0, 2], mib: 96 },
      { cpus: [3, 3], mib: 32 },
    ] as NumaNode[],
  },
  {
    name: '4 nodes, 16 + 32 + 48 + 32 MiB, one CPU each',
    nodes: [
      { cpus: [0, 0], mib: 16 },
      { cpus: [1, 1], mib: 32 },
      { cpus: [2, 2], mib: 48 },
      { cpus: [3, 3], mib: 32 },
    ] as NumaNode[],
  },
])('q35 with $name', ({ nodes }) => {
  const smp = nodes[nodes.length - 1]!.cpus[1] + 1;
  const total = nodes.reduce((s, n) => s + n.mib, 0);
  const nodeOf = (apic: number) => nodes.findIndex((n) => apic >= n.cpus[0] && apic <= n.cpus[1]);
  let banner: Banner;
  beforeAll(async () => {
    const extraArgs = numaArgs(nodes);
    banner = await boot({ machine: 'q35', memory: `${total}M`, smp, append: 'exit=0', extraArgs });
  });

  test('every CPU comes online in its SRAT node', () => {
    expectCpus(banner, smp, nodeOf);
    expect(banner.online).toEqual({ cpus: smp, nodes: nodes.length, srat: true });
  });

  test("each node's memory is the size QEMU gave it, less what boot took", () => {
    expectRangesInRam(banner);
    nodes.forEach((n, i) => {
      const mib = mibOfNode(banner, i);
      expect(mib, `node ${i}`).toBeLessThanOrEqual(n.mib);
      // Node 0 also holds the first MiB and the kernel; every node gives a little to its page tables
      // and CPU areas, and q35's firmware keeps the top 128 KiB of RAM.
      expect(mib, `node ${i}`).toBeGreaterThan(n.mib - (i === 0 ? 4 : 1));
    });
  });
});

test('microvm accepts -numa but has no SRAT: one node', async () => {
  const nodes: NumaNode[] = [
    { cpus: [0, 0], mib: 64 },
    { cpus: [1, 1], mib: 64 },
  ];
  const banner = await boot({
    machine: 'microvm',
    memory: '128M',
    smp: 2,
    append: 'exit=0',
    extraArgs: numaArgs(nodes),
  });
  expectCpus(banner, 2, () => 0);
  expect(banner.online).toEqual({ cpus: 2, nodes: 1, srat: false });
});

test.each([
  { machine: 'q35', gsiBases: [0] },
  { machine: 'microvm', gsiBases: [0, 24] },
  { machine: 'microvm,ioapic2=off', gsiBases: [0] },
  { machine: 'microvm,acpi=off', gsiBases: [] },
])('$machine: the I/O APICs the MADT lists (GSI bases $gsiBases)', async ({ machine, gsiBases }) => {
  const banner = await boot({ machine, memory: '64M', smp: 1, append: 'exit=0' });
  expect(banner.ioapics.map((io) => io.gsiBase)).toEqual(gsiBases);
  // QEMU places the first I/O APIC at the PC's standard address, microvm's second 64 KiB above it.
  banner.ioapics.forEach((io, i) => {
    expect(io.id).toBe(i);
    expect(io.address).toBe(0xfec00000n + BigInt(i) * 0x10000n);
  });
});

describe('time', () => {
  let q35: Banner;
  let microvm: Banner;
  let noPit: Banner;
  beforeAll(async () => {
    q35 = await boot({ machine: 'q35', memory: '64M', smp: 1, append: 'exit=0' });
    microvm = await boot({ machine: 'microvm', memory: '64M', smp: 1, append: 'exit=0' });
    noPit = await boot({ machine: 'microvm,pit=off', memory: '64M', smp: 1, append: 'exit=0' });
  });

  test('the TSC rate is measured against the PM timer (q35), the PIT (microvm) and the RTC (microvm,pit=off), and they agree', () => {
    expect(q35.tscSource).toBe('pm-timer');
    expect(microvm.tscSource).toBe('pit');
    expect(noPit.tscSource).toBe('rtc');
    // Under TCG the guest TSC is the host's, so all three measure one rate against different clocks.
    // The counters (PM timer, PIT) are read, so they hold to 0.5% even on a loaded host; the RTC only
    // changes once a second and a descheduled vCPU sees that late, so on a loaded host it may be off
    // by a few percent (time.asm takes the best-pinned second then).
    expect(Math.abs(microvm.tscKHz! - q35.tscKHz!) / q35.tscKHz!).toBeLessThan(0.005);
    expect(Math.abs(noPit.tscKHz! - q35.tscKHz!) / q35.tscKHz!).toBeLessThan(0.05);
  });

  test('the LAPIC timer rate is measured against the TSC', () => {
    // QEMU's APIC timer counts at 1 GHz, divided by 16 as the kernel programs it.
    for (const b of [q35, microvm]) {
      expect(b.timer).toBe('lapic');
      expect(Math.abs(b.timerKHz! - 62_500) / 62_500).toBeLessThan(0.01);
    }
  });

  test('the wall clock comes from the RTC, which QEMU sets to the host time', () => {
    const now = Date.now() / 1000;
    for (const b of [q35, microvm]) expect(Math.abs(b.wallSeconds! - now)).toBeLessThan(60);
  });

  test('without PIT or RTC (and no PM timer) the kernel says it assumes a rate, and boots all CPUs', async () => {
    const b = await boot({ machine: 'microvm,pit=off,rtc=off', memory: '64M', smp: 2, append: 'exit=0' });
    expect(b.tscSource).toBe('fallback');
    expect(b.tscKHz).toBe(1_000_000);
    expect(b.wallSeconds).toBeNull();
    expect(b.online?.cpus).toBe(2);
  });

  test('tsc_khz= on the command line wins', async () => {
    const b = await boot({ machine: 'microvm', memory: '64M', smp: 1, append: 'tsc_khz=1234567 exit=0' });
    expect(b.tscSource).toBe('cmdline');
    expect(b.tscKHz).toBe(1234567);
  });
});
