/**
 * Network namespaces for the tests that put a guest on a tap device of its own: `ip`, and whether this
 * machine lets a test make a namespace (root, CAP_NET_ADMIN). The namespace is the test's alone and
 * deleted after it, so its traffic never leaves the machine.
 */
import { spawnSync } from 'node:child_process';

/** Runs `ip args`; its stderr when it failed, '' when it worked. */
export function ip(...args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? '' : `ip ${args.join(' ')}: ${r.stderr || r.error?.message || 'failed'}`.trim();
}

/** Whether this machine lets the test make a network namespace of its own (root, CAP_NET_ADMIN). */
export function namespacesAllowed(): boolean {
  const probe = `toro-probe-${process.pid}`;
  if (ip('netns', 'add', probe) !== '') return false;
  ip('netns', 'del', probe);
  return true;
}
