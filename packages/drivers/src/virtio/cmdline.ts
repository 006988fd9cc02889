/**
 * The virtio-mmio device list QEMU microvm (and Firecracker) put on the kernel command line, in Linux's
 * form `virtio_mmio.device=<size>@<base>:<irq>[:<id>]`: size in bytes with an optional K/M/G suffix,
 * base in hex (0x…) or decimal, irq decimal. Malformed words are skipped and reported, never thrown.
 */
import type { MmioDeviceInfo } from './mmio-transport.js';

const KEY = 'virtio_mmio.device=';

export interface MmioCmdline {
  readonly devices: MmioDeviceInfo[];
  /** Words with the key whose value did not parse, as written. */
  readonly rejected: string[];
}

export function parseVirtioMmioCmdline(cmdline: string): MmioCmdline {
  const devices: MmioDeviceInfo[] = [];
  const rejected: string[] = [];
  for (const word of cmdline.split(' ')) {
    if (!word.startsWith(KEY)) continue;
    const d = parseDevice(word.substring(KEY.length));
    if (d === null) rejected.push(word);
    else devices.push(d);
  }
  return { devices, rejected };
}

function parseDevice(v: string): MmioDeviceInfo | null {
  const at = v.indexOf('@');
  if (at <= 0) return null;
  const colon = v.indexOf(':', at);
  if (colon < 0) return null;
  const size = parseSize(v.substring(0, at));
  const base = parseNumber(v.substring(at + 1, colon));
  let rest = v.substring(colon + 1);
  const colon2 = rest.indexOf(':');
  if (colon2 >= 0) {
    if (parseNumber(rest.substring(colon2 + 1)) < 0) return null;
    rest = rest.substring(0, colon2);
  }
  const irq = parseNumber(rest);
  if (size <= 0 || base <= 0 || irq < 0 || irq > 255 || base % 4 !== 0) return null;
  return { base, size, irq };
}

function parseSize(s: string): number {
  if (s.length === 0) return -1;
  const last = s.charAt(s.length - 1);
  let scale = 1;
  if (last === 'K' || last === 'k') scale = 1024;
  else if (last === 'M' || last === 'm') scale = 1024 * 1024;
  else if (last === 'G' || last === 'g') scale = 1024 * 1024 * 1024;
  const n = parseNumber(scale === 1 ? s : s.substring(0, s.length - 1));
  return n < 0 ? -1 : n * scale;
}

/** A non-negative integer in decimal or 0x-hex; -1 if anything else is in the string. */
function parseNumber(s: string): number {
  let i = 0;
  let radix = 10;
  if (s.startsWith('0x') || s.startsWith('0X')) {
    radix = 16;
    i = 2;
  }
  if (i >= s.length) return -1;
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (radix === 16 && c >= 97 && c <= 102) d = c - 87;
    else if (radix === 16 && c >= 65 && c <= 70) d = c - 55;
    if (d < 0) return -1;
    n = n * radix + d;
    if (n > 0xffffffffffff) return -1;
  }
  return n;
}
