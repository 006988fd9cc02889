/**
 * Writes a benchmark's results as a Markdown table (bench/results/<name>.md) and as JSON
 * (bench/results/<name>.json), stamped with the date, the machine and the tool versions measured.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export type Cell = string | number;

export interface ResultTable {
  /** File name without extension. */
  name: string;
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
}

const RESULTS_DIR = new URL('../results/', import.meta.url).pathname;

function toolVersion(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).split('\n')[0].trim();
  } catch {
    return 'not found';
  }
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${toolVersion('qemu-system-x86_64', ['--version'])}, ${toolVersion('nasm', ['-v'])}`;
}

function format(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
  return cell.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function writeResults(table: ResultTable): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString();
  const md = [
    `# ${table.title}`,
    '',
    `Measured ${date} on ${machineLine()}.`,
    '',
    table.method,
    '',
    `| ${table.columns.join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(format).join(' | ')} |`),
    '',
    ...(table.notes ?? []).map((n) => `- ${n}`),
    '',
  ].join('\n');
  const path = join(RESULTS_DIR, `${table.name}.md`);
  writeFileSync(path, md);
  writeFileSync(
    join(RESULTS_DIR, `${table.name}.json`),
    `${JSON.stringify({ date, machine: machineLine(), ...table }, null, 2)}\n`,
  );
  return path;
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
