/**
 * Parser for the kernel's boot banner (format in ../README.md), shared by tests and the VM runner.
 *
 * Only lines starting with "toro: " are the kernel's; anything else on the console (firmware output,
 * escape sequences) is ignored. Lines may end in CR LF or LF.
 */

export type MemoryType = 'usable' | 'reserved' | 'acpi' | 'nvs' | 'unusable' | number;

export interface MemmapEntry {
  start: bigint;
  /** Exclusive. */
  end: bigint;
  type: MemoryType;
}

export interface Banner {
  version?: string;
  /** The PVH command line, unescaped. */
  cmdline?: string;
  memmap: MemmapEntry[];
  usableKiB?: number;
  cpus?: number;
  cpuSource?: 'madt' | 'fw_cfg' | 'cmdline' | 'cpuid';
  /** TSC rate in kHz and where it came from ("toro: tsc ..."). */
  tscKHz?: number;
  tscSource?: TscSource;
  /** The one-shot timer: TSC-deadline mode, or the LAPIC timer at `timerKHz` ("toro: timer ..."). */
  timer?: 'tsc-deadline' | 'lapic';
  timerKHz?: number;
  /** Unix time in seconds from the RTC at boot ("toro: wall ..."); null for "wall none". */
  wallSeconds?: number | null;
  /** Usable memory per node after the kernel's own boot allocations ("toro: node <n> memory ..."). */
  nodeRanges: NodeRange[];
  /** The MADT's I/O APICs ("toro: ioapic <id> <address> gsi <base>"). */
  ioapics: { id: number; address: bigint; gsiBase: number }[];
  /** One per CPU online, by cpu id ("toro: cpu <id> apic <apic> node <n>"). */
  cpuList: CpuInfo[];
  /** "toro: <N> CPUs online in <M> nodes (srat|no srat)". */
  online?: { cpus: number; nodes: number; srat: boolean };
  /** The code the kernel said it exits with. */
  exit?: number;
  /** Text of each "toro: error: ..." line. */
  errors: string[];
}

export type TscSource =
  | 'cmdline'
  | 'cpuid-15h'
  | 'cpuid-16h'
  | 'hypervisor'
  | 'pm-timer'
  | 'pit'
  | 'rtc'
  | 'fallback';

export interface NodeRange {
  node: number;
  start: bigint;
  /** Exclusive. */
  end: bigint;
}

export interface CpuInfo {
  cpu: number;
  apic: number;
  node: number;
}

const NAMED_TYPES = new Set(['usable', 'reserved', 'acpi', 'nvs', 'unusable']);

/** One kind of banner line: its pattern after "toro: ", and what a match sets. */
const LINES: ReadonlyArray<[RegExp, (m: RegExpExecArray, b: Banner) => void]> = [
  [
    /^kernel (\S+) x86-64 \(PVH\)$/,
    (m, b) => {
      b.version = m[1];
    },
  ],
  [
    /^cmdline "(.*)"$/,
    (m, b) => {
      b.cmdline = unquote(m[1]!);
    },
  ],
  [
    /^memmap (0x[0-9a-f]{16}) (0x[0-9a-f]{16}) (\w+)$/,
    (m, b) => {
      const type = NAMED_TYPES.has(m[3]!) ? (m[3] as MemoryType) : Number(m[3]);
      b.memmap.push({ start: BigInt(m[1]!), end: BigInt(m[2]!), type });
    },
  ],
  [
    /^memory (\d+) KiB usable$/,
    (m, b) => {
      b.usableKiB = Number(m[1]);
    },
  ],
  [
    /^cpus (\d+) \((madt|fw_cfg|cmdline|cpuid)\)$/,
    (m, b) => {
      b.cpus = Number(m[1]);
      b.cpuSource = m[2] as Banner['cpuSource'];
    },
  ],
  [
    /^tsc (\d+) kHz \((cmdline|cpuid-15h|cpuid-16h|hypervisor|pm-timer|pit|rtc|fallback)\)$/,
    (m, b) => {
      b.tscKHz = Number(m[1]);
      b.tscSource = m[2] as TscSource;
    },
  ],
  [
    /^timer (?:(tsc-deadline)|lapic (\d+) kHz \(tsc\))$/,
    (m, b) => {
      b.timer = m[1] ? 'tsc-deadline' : 'lapic';
      if (m[2]) b.timerKHz = Number(m[2]);
    },
  ],
  [
    /^wall (?:(\d+) \(rtc\)|none)$/,
    (m, b) => {
      b.wallSeconds = m[1] === undefined ? null : Number(m[1]);
    },
  ],
  [
    /^node (\d+) memory (0x[0-9a-f]{16}) (0x[0-9a-f]{16})$/,
    (m, b) => {
      b.nodeRanges.push({ node: Number(m[1]), start: BigInt(m[2]!), end: BigInt(m[3]!) });
    },
  ],
  [
    /^ioapic (\d+) (0x[0-9a-f]{16}) gsi (\d+)$/,
    (m, b) => {
      b.ioapics.push({ id: Number(m[1]), address: BigInt(m[2]!), gsiBase: Number(m[3]) });
    },
  ],
  [
    /^cpu (\d+) apic (\d+) node (\d+)$/,
    (m, b) => {
      b.cpuList.push({ cpu: Number(m[1]), apic: Number(m[2]), node: Number(m[3]) });
    },
  ],
  [
    /^(\d+) CPUs online in (\d+) nodes \((srat|no srat)\)$/,
    (m, b) => {
      b.online = { cpus: Number(m[1]), nodes: Number(m[2]), srat: m[3] === 'srat' };
    },
  ],
  [
    /^exit (\d+)$/,
    (m, b) => {
      b.exit = Number(m[1]);
    },
  ],
  [
    /^error: (.*)$/,
    (m, b) => {
      b.errors.push(m[1]!);
    },
  ],
];

export function parseBanner(console: string): Banner {
  const banner: Banner = { memmap: [], nodeRanges: [], ioapics: [], cpuList: [], errors: [] };
  for (const raw of console.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.startsWith('toro: ')) continue;
    const body = line.slice('toro: '.length);
    for (const [pattern, apply] of LINES) {
      const m = pattern.exec(body);
      if (m) {
        apply(m, banner);
        break;
      }
    }
  }
  return banner;
}

/** Undoes the kernel's quoting: \" and \\ stand for themselves, \xNN for the byte NN. */
function unquote(quoted: string): string {
  return quoted.replace(/\\(x[0-9a-f]{2}|["\\])/g, (_, e: string) =>
    e.length === 1 ? e : String.fromCharCode(Number.parseInt(e.slice(1), 16)),
  );
}
