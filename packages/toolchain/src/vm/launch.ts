/**
 * Runs one QEMU process from a ready argv and watches it: serial lines from its stdout, stderr captured,
 * a hard timeout, stop() with SIGTERM then SIGKILL, and the exit decoded once the process is reaped.
 *
 * QEMU is spawned directly (never through a shell) and always killed by its own PID.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { Accel } from './cmdline.js';
import { decodeExit, describeExit, type GuestExit } from './exit-code.js';
import { LineSplitter } from './lines.js';
import { trackGuestPid, untrackGuestPid } from './reaper.js';

export interface LaunchOptions {
  qemuPath: string;
  args: readonly string[];
  accel: Accel;
  /** Hard limit on the guest's life; 0 or Infinity for none. Default 30 s. */
  timeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL. Default 2 s. */
  killGraceMs?: number;
  /** Every serial line is appended here too. */
  logFile?: string;
  /** Warnings about the configuration (qemuConfigNotes), passed through to `Guest.notes`. */
  notes?: string[];
}

export interface Guest {
  readonly pid: number;
  /** The full command: [qemuPath, ...args]. */
  readonly argv: readonly string[];
  readonly accel: Accel;
  /** Allowed-but-surprising configuration (e.g. NUMA on microvm has no SRAT); the CLI prints these. */
  readonly notes: readonly string[];
  /**
   * Serial console, one string per line (object mode): `for await (const line of guest.serial)`.
   * It also emits 'line' (line, msSinceStart) as lines arrive, whether or not the stream is being read.
   */
  readonly serial: Readable;
  /** Every line so far (the oldest are dropped past MAX_KEPT_LINES). */
  readonly lines: readonly string[];
  /** ms from spawn to the first complete serial line, or null until there is one. */
  readonly firstLineMs: number | null;
  /** Resolves with the first line (past or future) matching `pattern`; rejects on timeout or guest exit. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves once QEMU has exited and been reaped. Never rejects. */
  readonly exited: Promise<GuestExit>;
  /** SIGTERM, then SIGKILL after the grace period; resolves with the exit. */
  stop(): Promise<GuestExit>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;
const MAX_KEPT_LINES = 50_000;
const MAX_STDERR = 64 * 1024;
/** Unread lines beyond this are dropped from `serial` so an unread stream cannot grow without bound. */
const MAX_BUFFERED_LINES = 10_000;

function nonGlobal(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

export function launchGuest(options: LaunchOptions): Guest {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const logFd = options.logFile === undefined ? null : openSync(options.logFile, 'a');
  const started = performance.now();

  let child: ChildProcess;
  try {
    child = spawn(options.qemuPath, options.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  } catch (err) {
    if (logFd !== null) closeSync(logFd);
    throw err;
  }
  const pid = child.pid ?? -1;
  if (pid > 0) trackGuestPid(pid);

  const events = new EventEmitter();
  const serial = new Readable({ objectMode: true, read() {} });
  const lines: string[] = [];
  const splitter = new LineSplitter();
  let firstLineMs: number | null = null;
  let stderr = '';
  let stoppedBy: 'timeout' | 'killed' | null = null;
  let spawnError: string | undefined;
  let done = false;
  let killTimer: NodeJS.Timeout | undefined;

  const emitLine = (line: string) => {
    const at = performance.now() - started;
    if (firstLineMs === null) firstLineMs = at;
    lines.push(line);
    if (lines.length > MAX_KEPT_LINES) lines.splice(0, lines.length - MAX_KEPT_LINES);
    if (logFd !== null) writeSync(logFd, `${line}\n`);
    if (serial.readableLength < MAX_BUFFERED_LINES) serial.push(line);
    serial.emit('line', line, at);
    events.emit('line', line);
  };

  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of splitter.push(chunk)) emitLine(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR - stderr.length);
  });

  const signal = (sig: NodeJS.Signals) => {
    if (done || pid <= 0) return;
    try {
      process.kill(pid, sig);
    } catch {
      // Exited between the check and the kill; 'close' will follow.
    }
  };

  const stopWith = (reason: 'timeout' | 'killed') => {
    if (done) return;
    stoppedBy ??= reason;
    signal('SIGTERM');
    killTimer ??= setTimeout(() => signal('SIGKILL'), graceMs);
  };

  const timeoutTimer =
    timeoutMs > 0 && Number.isFinite(timeoutMs)
      ? setTimeout(() => stopWith('timeout'), timeoutMs)
      : undefined;

  const exited = new Promise<GuestExit>((resolve) => {
    const finish = (status: number | null, sig: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      if (pid > 0) untrackGuestPid(pid);
      for (const line of splitter.end()) emitLine(line);
      if (logFd !== null) closeSync(logFd);
      const exit = decodeExit({
        qemuStatus: status,
        signal: sig,
        stoppedBy,
        lines,
        stderr,
        durationMs: performance.now() - started,
        spawnError,
        timeoutMs,
      });
      serial.push(null);
      events.emit('exit', exit);
      resolve(exit);
    };
    child.on('error', (err) => {
      // Spawn failures (ENOENT, EACCES) come here; a process that never started has no 'close' to wait for.
      if (child.pid === undefined) {
        spawnError = err.message;
        finish(null, null);
      }
    });
    child.on('close', (status, sig) => finish(status, sig));
  });

  const waitForLine = (
    pattern: RegExp,
    waitMs = timeoutMs || DEFAULT_TIMEOUT_MS,
  ): Promise<RegExpExecArray> => {
    const re = nonGlobal(pattern);
    for (const line of lines) {
      const m = re.exec(line);
      if (m !== null) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        events.off('line', onLine);
        events.off('exit', onExit);
      };
      const onLine = (line: string) => {
        const m = re.exec(line);
        if (m === null) return;
        cleanup();
        resolve(m);
      };
      const onExit = (exit: GuestExit) => {
        cleanup();
        const tail = lines.slice(-5).join(' / ');
        reject(
          new Error(`guest ended (${describeExit(exit)}) before a line matched ${re}; last lines: ${tail}`),
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no serial line matched ${re} within ${waitMs} ms`));
      }, waitMs);
      events.on('line', onLine);
      events.on('exit', onExit);
      if (done) void exited.then(onExit);
    });
  };

  return {
    pid,
    argv: [options.qemuPath, ...options.args],
    accel: options.accel,
    notes: options.notes ?? [],
    serial,
    lines,
    get firstLineMs() {
      return firstLineMs;
    },
    waitForLine,
    exited,
    stop() {
      stopWith('killed');
      return exited;
    },
  };
}
