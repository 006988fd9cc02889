// Headers beside Node's own (undici's, the Fetch standard's): the same calls give the same answers.
import { describe, expect, it } from 'vitest';
import { Headers } from '../src/index.js';

type Op = (h: Headers | globalThis.Headers) => unknown;

/** Runs `op` on ours and on Node's: both results, or both errors' names. */
function both(init: [string, string][] | Record<string, string> | undefined, op: Op): [unknown, unknown] {
  const run = (make: () => Headers | globalThis.Headers): unknown => {
    try {
      return op(make());
    } catch (e) {
      return `threw ${(e as Error).name}`;
    }
  };
  return [run(() => new Headers(init)), run(() => new globalThis.Headers(init))];
}

const cases: [string, [string, string][] | Record<string, string> | undefined, Op][] = [
  [
    'get is case-insensitive and joins',
    [
      ['Accept', 'a'],
      ['accept', 'b'],
    ],
    (h) => h.get('ACCEPT'),
  ],
  ['get of a missing name', [['A', '1']], (h) => h.get('b')],
  ['has', { 'X-One': '1' }, (h) => [h.has('x-one'), h.has('x-two')]],
  [
    'entries sorted, lower-cased, combined',
    [
      ['Zeta', '1'],
      ['alpha', '2'],
      ['ZETA', '3'],
    ],
    (h) => [...h.entries()],
  ],
  [
    'set-cookie stays apart',
    [
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['X', 'y'],
    ],
    (h) => [...h.entries()],
  ],
  [
    'getSetCookie',
    [
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ],
    (h) => h.getSetCookie(),
  ],
  [
    'set replaces every value, in place',
    [
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
    ],
    (h) => {
      h.set('a', 'new');
      return [...h.entries()];
    },
  ],
  [
    'delete',
    [
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
    ],
    (h) => {
      h.delete('A');
      return [h.has('a'), [...h.keys()]];
    },
  ],
  ['values are trimmed', [['A', ' \t x y \r\n']], (h) => h.get('a')],
  [
    'append then values()',
    undefined,
    (h) => {
      h.append('b', '2');
      h.append('a', '1');
      return [...h.values()];
    },
  ],
  [
    'forEach order and arguments',
    [
      ['b', '2'],
      ['a', '1'],
    ],
    (h) => {
      const seen: string[] = [];
      h.forEach((v, k) => {
        seen.push(`${k}=${v}`);
      });
      return seen;
    },
  ],
  ['an invalid name', undefined, (h) => h.append('bad name', 'x')],
  ['an empty name', undefined, (h) => h.append('', 'x')],
  ['a CR LF in a value', undefined, (h) => h.append('x', 'a\r\nb')],
  ['a NUL in a value', undefined, (h) => h.set('x', 'a\0b')],
  ['a wide character in a value', undefined, (h) => h.append('x', 'ключ')],
  ['get with an invalid name', undefined, (h) => h.get('a b')],
  ['an empty value', [['X', '']], (h) => [h.get('x'), h.has('x')]],
];

describe('Headers behaves like the Fetch standard (Node’s undici)', () => {
  for (const [what, init, op] of cases) {
    it(what, () => {
      const [ours, node] = both(init, op);
      expect(ours).toEqual(node);
    });
  }

  it('copies another Headers and refuses pairs that are not pairs', () => {
    const a = new Headers([['A', '1']]);
    const b = new Headers(a);
    a.set('a', '2');
    expect(b.get('a')).toBe('1');
    expect(() => new Headers([['a', '1', 'x'] as unknown as [string, string]])).toThrow(TypeError);
    expect(() => new globalThis.Headers([['a', '1', 'x'] as unknown as [string, string]])).toThrow(TypeError);
  });

  it('keeps insertion order for the wire', () => {
    const h = new Headers([
      ['Zeta', '1'],
      ['alpha', '2'],
      ['ZETA', '3'],
    ]);
    expect(h.fields()).toEqual([
      ['zeta', '1'],
      ['alpha', '2'],
      ['zeta', '3'],
    ]);
  });
});
