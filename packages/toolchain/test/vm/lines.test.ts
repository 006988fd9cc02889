/** Serial line splitting across arbitrary chunk boundaries. */

import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/vm/lines.js';

describe('LineSplitter', () => {
  it('joins lines cut across chunks, strips CR, and flushes the tail', () => {
    const text = 'toro: kernel 0.1.0\r\nsecond line\nünïcode ✓\r\nno newline';
    const bytes = new TextEncoder().encode(text);
    // Every split point, including inside multi-byte characters and between \r and \n.
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = new LineSplitter();
      const got = [...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut)), ...s.end()];
      expect(got).toEqual(['toro: kernel 0.1.0', 'second line', 'ünïcode ✓', 'no newline']);
    }
  });
});
