// The router's pieces against the platform's own: decodePercent against decodeURIComponent on random
// escapes, pathOf against URL, and the patterns it refuses.
import { describe, expect, it } from 'vitest';
import { decodePercent, pathOf, Response, Router } from '../src/index.js';

describe('the router', () => {
  it('decodes %-escapes as decodeURIComponent does, and says undefined where it throws', () => {
    const pieces = [
      'a',
      '/',
      ' ',
      'é',
      '%',
      '%2',
      '%20',
      '%2F',
      '%C3%A9',
      '%C3',
      '%E2%82%AC',
      '%F0%9F%98%80',
      '%ED%A0%80',
      '%C0%AF',
      '%FF',
      'zz',
    ];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let n = 0; n < 3000; n++) {
      let s = '';
      for (let k = next() % 6; k >= 0; k--) s += pieces[next() % pieces.length];
      let want: string | undefined;
      try {
        want = decodeURIComponent(s);
      } catch {
        want = undefined;
      }
      expect(decodePercent(s), JSON.stringify(s)).toBe(want);
    }
  });

  it('takes the path of a URL as URL does', () => {
    for (const u of ['http://h/a/b?c#d', 'http://h', 'http://h:8080/x/', 'http://h/p#f?q', 'http://h/?q'])
      expect(pathOf(u)).toBe(new URL(u).pathname);
    expect(pathOf('/x?y')).toBe('/x');
  });

  it('refuses patterns it cannot match', () => {
    expect(() => new Router().get('items', () => new Response())).toThrow(
      "route pattern 'items' must start with /",
    );
    expect(() => new Router().get('/a/*/b', () => new Response())).toThrow("'*' is not a segment or a :name");
  });
});
