/**
 * Makes sure no QEMU outlives the runner. Every live guest's PID is registered here; on process exit they are
 * SIGKILLed synchronously, and on SIGINT/SIGTERM/SIGHUP — when nobody else handles the signal — they are
 * killed and the signal is re-raised so Node still dies the default way.
 *
 * The handlers are installed only while at least one guest is alive, so merely importing the runner does
 * not change how the process reacts to signals.
 */

const live = new Set<number>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function killAll(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else (e.g. the CLI calling guest.stop()) owns this signal: let them shut down gracefully.
  if (process.listenerCount(signal) > 1) return;
  killAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', killAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

export function trackGuestPid(pid: number): void {
  live.add(pid);
  install();
}

export function untrackGuestPid(pid: number): void {
  live.delete(pid);
  if (live.size === 0) uninstall();
}

export function trackedGuestPids(): number[] {
  return [...live];
}
