/**
 * Network namespaces for the tests that put a guest on a tap device of its own: `ip`, whether this
 * machine lets a test make a namespace (root, CAP_NET_ADMIN), and a client script run inside one. The namespace is the test's alone and
 * deleted after it, so its traffic never leaves the machine.
 */
import { spawn, spawnSync } from 'node:child_process';

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

/**
 * Runs the Node script `script` with `args` inside namespace `ns` (killed by its PID `limitMs` + 30 s
 * on): its trimmed stdout when it exits 0, else a rejection with its stderr.
 */
export function runInNamespace(ns: string, script: string, args: string[], limitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs + 30_000);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      if (code === 0) resolve(out.trim());
      else reject(new Error(`${script} exited ${code}: ${err}`));
    });
  });
}
