/** Small formatting helpers for command summaries. */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function hex(n: bigint): string {
  return `0x${n.toString(16)}`;
}
