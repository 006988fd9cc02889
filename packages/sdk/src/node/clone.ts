/**
 * Copying values across CPUs. Before a value crosses it is put in wire form: a structured-clonable copy in
 * which every channel is a `ChannelRef` under a marker key, class instances are plain objects of their
 * own fields, and functions or symbols are refused with a message that names the path to them. The
 * receiving CPU turns the refs back into channels of its own. structuredClone / postMessage then make the
 * actual copy.
 */
import type { ChannelRef } from './protocol.js';

const MARK = '\u0000toro:channel';

/** What clone.ts needs from a channel object: recognising it and its ref. */
export interface HasRef {
  readonly ref: ChannelRef;
}

export class CloneError extends TypeError {}

export function toWire(value: unknown, isChannel: (v: object) => v is HasRef, path = 'value'): unknown {
  // Most messages are numbers or strings: no walk needed.
  if (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol') return value;
  const seen = new Map<object, unknown>();
  const walk = (v: unknown, at: string): unknown => {
    if (typeof v === 'function') {
      throw new CloneError(`${at} is a function, and functions cannot be copied to another CPU`);
    }
    if (typeof v === 'symbol')
      throw new CloneError(`${at} is a symbol, and symbols cannot be copied to another CPU`);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return seen.get(v);
    if (isChannel(v)) return { [MARK]: v.ref };
    if (ArrayBuffer.isView(v) || v instanceof Date || v instanceof ArrayBuffer) return v;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (let i = 0; i < v.length; i++) out.push(walk(v[i], `${at}[${i}]`));
      return out;
    }
    if (v instanceof Map) {
      const out = new Map<unknown, unknown>();
      seen.set(v, out);
      for (const [key, x] of v) out.set(walk(key, `${at} key`), walk(x, `${at}.get(${String(key)})`));
      return out;
    }
    if (v instanceof Set) {
      const out = new Set<unknown>();
      seen.set(v, out);
      for (const x of v) out.add(walk(x, `${at} element`));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [key, x] of Object.entries(v)) out[key] = walk(x, `${at}.${key}`);
    return out;
  };
  return walk(value, path);
}

/** Turns the channel refs of a received (already copied) wire value into channels; mutates in place. */
export function fromWire(value: unknown, revive: (ref: ChannelRef) => unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return v;
    if (ArrayBuffer.isView(v) || v instanceof Date || v instanceof ArrayBuffer) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    if (v instanceof Map) {
      const entries = [...v].map(([key, x]) => [walk(key), walk(x)] as const);
      v.clear();
      for (const [key, x] of entries) v.set(key, x);
      return v;
    }
    if (v instanceof Set) {
      const items = [...v].map(walk);
      v.clear();
      for (const x of items) v.add(x);
      return v;
    }
    const obj = v as Record<string, unknown>;
    if (Object.hasOwn(obj, MARK)) return revive(obj[MARK] as ChannelRef);
    for (const key of Object.keys(obj)) obj[key] = walk(obj[key]);
    return v;
  };
  return walk(value);
}
