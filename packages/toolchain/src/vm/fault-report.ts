/**
 * The kernel's fault report (format: packages/kernel/README.md, "Faults"): parsing the block the guest
 * prints on its serial console, and symbolizing its RIP and backtrace with the image's symbols.
 *
 * `toro run` feeds every serial line to a FaultWatcher; when a block ends, the watcher hands back the
 * parsed report with each frame resolved to `symbol+offset`, and the lines to print under it.
 */
import type { ImageSymbol } from '../image/elf-symtab.js';

export interface FaultReport {
  /** CPU id, or undefined when the fault came before the CPU had its per-CPU block ("?"). */
  cpu?: number;
  vector: number;
  /** Mnemonic such as "#PF". */
  name: string;
  error: bigint;
  /** "page-fault", "divide-error", "invalid-opcode", "stack-overflow", ... */
  kind: string;
  /** rip, rsp, rflags, cr2, cs, ss, cr3 and the 15 general registers, by lowercase name. */
  registers: Record<string, bigint>;
  /** Frame 0 is the faulting RIP; the others are return addresses found along the RBP chain. */
  frames: bigint[];
}

export interface SymbolizedFrame {
  index: number;
  address: bigint;
  /** `name` or `name+0xoffset`; undefined when no code symbol covers the address. */
  location?: string;
  symbol?: string;
  offset?: bigint;
}

export interface SymbolizedFault {
  report: FaultReport;
  frames: SymbolizedFrame[];
}

const PREFIX = 'toro: fault ';
const HEX_OR_DEC = /^(0x[0-9a-f]+|\d+)$/;

/** Parses the lines of one block, from "toro: fault begin" to "toro: fault end" (both included). */
export function parseFaultReport(lines: readonly string[]): FaultReport {
  const body = lines.map((l) => l.replace(/\r$/, ''));
  if (body[0] !== 'toro: fault begin' || body[body.length - 1] !== 'toro: fault end') {
    throw new Error('a fault report starts with "toro: fault begin" and ends with "toro: fault end"');
  }
  const report: FaultReport = { vector: -1, name: '', error: 0n, kind: '', registers: {}, frames: [] };
  for (const line of body.slice(1, -1)) {
    if (!line.startsWith(PREFIX)) throw new Error(`not a fault report line: ${line}`);
    const words = line.slice(PREFIX.length).split(' ');
    if (words[0] === 'frame') {
      const index = Number(words[1]);
      if (index !== report.frames.length || words.length !== 3) throw new Error(`bad frame line: ${line}`);
      report.frames.push(BigInt(words[2]!));
      continue;
    }
    if (words[0] === 'cpu') {
      // cpu <id|?> vector <n> <name> error <hex> kind <kind>
      const m = /^cpu (\d+|\?) vector (\d+) (\S+) error (0x[0-9a-f]+) kind (\S+)$/.exec(words.join(' '));
      if (!m) throw new Error(`bad fault line: ${line}`);
      report.cpu = m[1] === '?' ? undefined : Number(m[1]);
      report.vector = Number(m[2]);
      report.name = m[3]!;
      report.error = BigInt(m[4]!);
      report.kind = m[5]!;
      continue;
    }
    if (words.length % 2 !== 0) throw new Error(`bad register line: ${line}`);
    for (let i = 0; i < words.length; i += 2) {
      const value = words[i + 1]!;
      if (!HEX_OR_DEC.test(value)) throw new Error(`bad value in: ${line}`);
      report.registers[words[i]!] = BigInt(value);
    }
  }
  if (report.vector < 0) throw new Error('the fault report has no "cpu ... vector ..." line');
  return report;
}

/**
 * Names `address`: the function (STT_FUNC) at or below it whose extent holds it, as `function+offset`;
 * but a label (local or not) exactly at the address is named as is, since it says more (e.g.
 * `fault_test_pf.fault`, the labelled faulting instruction).
 */
export function lookupSymbol(
  symbols: readonly ImageSymbol[],
  address: bigint,
): { symbol: string; offset: bigint } | undefined {
  const exact = symbols.find((s) => s.code && s.address === address);
  if (exact) return { symbol: exact.name, offset: 0n };
  let best: ImageSymbol | undefined;
  for (const s of symbols) {
    if (s.address > address) break;
    if (s.code && s.func) best = s;
  }
  if (!best || (best.size > 0n && address >= best.address + best.size)) return undefined;
  return { symbol: best.name, offset: address - best.address };
}

/**
 * Resolves every frame. Frames after the first are return addresses: the call that made them is the
 * instruction before, so they are looked up at address - 1 (a call at the very end of a function
 * would otherwise be attributed to the next one), but the offset printed is the return address's.
 */
export function symbolizeFault(report: FaultReport, symbols: readonly ImageSymbol[]): SymbolizedFault {
  const frames = report.frames.map((address, index): SymbolizedFrame => {
    const hit = lookupSymbol(symbols, index === 0 ? address : address - 1n);
    if (!hit) return { index, address };
    const offset = index === 0 ? hit.offset : hit.offset + 1n;
    const location = offset === 0n ? hit.symbol : `${hit.symbol}+0x${offset.toString(16)}`;
    return { index, address, symbol: hit.symbol, offset, location };
  });
  return { report, frames };
}

/** Human-readable lines for a symbolized fault, as `toro run` prints them after the block. */
export function formatSymbolizedFault(fault: SymbolizedFault): string[] {
  const { report } = fault;
  const where = fault.frames[0]?.location ?? 'an unknown address';
  const cpu = report.cpu === undefined ? 'an unknown CPU' : `CPU ${report.cpu}`;
  const lines = [`toro run: ${report.kind} (${report.name}, vector ${report.vector}) at ${where} on ${cpu}`];
  if (report.vector === 14) lines.push(`toro run:   address 0x${(report.registers.cr2 ?? 0n).toString(16)}`);
  for (const f of fault.frames) {
    const addr = `0x${f.address.toString(16).padStart(16, '0')}`;
    lines.push(`toro run:   #${f.index} ${addr} ${f.location ?? '??'}`);
  }
  return lines;
}

/** Collects fault blocks out of a stream of serial lines. */
export class FaultWatcher {
  private block: string[] | undefined;
  readonly faults: SymbolizedFault[] = [];

  constructor(private readonly symbols: readonly ImageSymbol[]) {}

  /** Feeds one serial line; returns the symbolized fault when this line ends a block. */
  push(line: string): SymbolizedFault | undefined {
    const text = line.replace(/\r$/, '');
    if (text === 'toro: fault begin') {
      this.block = [text];
      return undefined;
    }
    if (this.block === undefined) return undefined;
    this.block.push(text);
    if (text !== 'toro: fault end') return undefined;
    const lines = this.block;
    this.block = undefined;
    try {
      const fault = symbolizeFault(parseFaultReport(lines), this.symbols);
      this.faults.push(fault);
      return fault;
    } catch {
      return undefined; // a garbled block (e.g. interleaved output) is shown raw, not symbolized
    }
  }
}
