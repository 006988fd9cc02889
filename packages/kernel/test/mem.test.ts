/**
 * Where each CPU's memory comes from (self-test "mem", asm/st_mem.asm): each CPU owns pieces of its own
 * node's memory only, the pieces of different CPUs never overlap, a node's memory is shared evenly among
 * its CPUs, and a page and an object allocated on a CPU lie in its node — checked against the NUMA layout
 * given to QEMU (q35 builds an SRAT; microvm does not, so there every CPU is in node 0).
 */
import { expect, test } from 'vitest';
import type { Machine } from '../../toolchain/src/vm/index.js';
import { big, linesWith, runSelftest, useSelftestImage } from './helpers/selftest.js';

const MiB = 1n << 20n;

const image = useSelftestImage();

interface Node {
  cpus: number[];
  mib: number;
}

function numaArgs(nodes: Node[]): string[] {
  return nodes.flatMap((n, i) => [
    '-object',
    `memory-backend-ram,id=m${i},size=${n.mib}M`,
    '-numa',
    `node,nodeid=${i},cpus=${n.cpus[0]}-${n.cpus[n.cpus.length - 1]},memdev=m${i}`,
  ]);
}

const layouts: [Machine, Node[]][] = [
  [
    'q35',
    [
      { cpus: [0, 1], mib: 96 },
      { cpus: [2, 3], mib: 160 },
    ],
  ],
  [
    'q35',
    [
      { cpus: [0], mib: 64 },
      { cpus: [1, 2], mib: 128 },
      { cpus: [3], mib: 32 },
      { cpus: [4, 5], mib: 32 },
    ],
  ],
  [
    'microvm',
    [
      { cpus: [0, 1], mib: 64 },
      { cpus: [2, 3], mib: 64 },
    ],
  ],
];

test.each(layouts)('mem on %s with nodes %j', async (machine, nodes) => {
  const cpus = nodes.reduce((n, node) => n + node.cpus.length, 0);
  const total = nodes.reduce((n, node) => n + node.mib, 0);
  const run = await runSelftest(image(), {
    test: 'mem',
    machine,
    cpus,
    memory: `${total}M`,
    extraArgs: numaArgs(nodes),
  });
  const srat = machine === 'q35';
  expect(run.nodes).toBe(srat ? nodes.length : 1);
  // QEMU lays the nodes' memory out in node order from address 0 (all below q35's 2.75 GiB hole here).
  const bounds: [bigint, bigint][] = [];
  let at = 0n;
  for (const n of nodes) {
    bounds.push([at, at + BigInt(n.mib) * MiB]);
    at += BigInt(n.mib) * MiB;
  }
  const nodeOfCpu = (cpu: number) => (srat ? nodes.findIndex((n) => n.cpus.includes(cpu)) : 0);
  const nodeBounds = (node: number): [bigint, bigint] => (srat ? bounds[node] : [0n, at]);

  const ranges = run.results.filter((r) => r.words.includes('range')).map((r) => r.values);
  const cpuLines = linesWith(run, 'page');
  const pieces = run.results.filter((r) => r.words.includes('piece')).map((r) => r.values);
  expect(cpuLines).toHaveLength(cpus);
  for (const r of ranges) {
    const [lo, hi] = nodeBounds(Number(r.node));
    expect(big(r.start) >= lo && big(r.end) <= hi, `range ${r.start}-${r.end} in node ${r.node}`).toBe(true);
  }
  const owned: [bigint, bigint][] = [];
  for (const c of cpuLines) {
    const cpu = Number(c.cpu);
    const node = nodeOfCpu(cpu);
    expect(Number(c.node), `cpu ${cpu}`).toBe(node);
    const [lo, hi] = nodeBounds(node);
    for (const addr of [big(c.page), big(c.object)]) {
      expect(
        addr >= lo && addr < hi,
        `cpu ${cpu} allocated 0x${addr.toString(16)} outside node ${node}`,
      ).toBe(true);
    }
    const mine = pieces
      .filter((p) => Number(p.cpu) === cpu)
      .map((p): [bigint, bigint] => [big(p.start), big(p.end)]);
    expect(mine.reduce((s, [a, b]) => s + (b - a), 0n)).toBe(big(c.total));
    for (const [a, b] of mine) {
      expect(a >= lo && b <= hi, `cpu ${cpu} owns 0x${a.toString(16)} outside its node`).toBe(true);
      owned.push([a, b]);
    }
  }
  owned.sort((x, y) => (x[0] < y[0] ? -1 : 1));
  for (let i = 1; i < owned.length; i++) expect(owned[i][0] >= owned[i - 1][1]).toBe(true);
  // a node's memory is split evenly among its CPUs (the last one also takes the remainder, under a page each)
  const nodeLines = linesWith(run, 'node').filter((l) => !('cpu' in l) && 'total' in l);
  for (const n of nodeLines) {
    const totals = cpuLines.filter((c) => Number(c.node) === Number(n.node)).map((c) => big(c.total));
    expect(totals.reduce((s, t) => s + t, 0n)).toBe(big(n.total));
    const spread = Math.max(...totals.map(Number)) - Math.min(...totals.map(Number));
    expect(spread).toBeLessThan(4096 * totals.length);
  }
  expect(run.verdict).toBe('pass');
});
