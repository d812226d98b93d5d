import { describe, expect, it } from '@jest/globals';
import { goldenDiff } from '../../golden/golden.js';

const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('goldenDiff', () => {
  it('shows one inserted line as one + line with context, not every later line shifted', () => {
    const expected = lines(20);
    const actual = [...expected.slice(0, 10), 'inserted', ...expected.slice(10)];
    const d = goldenDiff('x.cfg', `${expected.join('\n')}\n`, `${actual.join('\n')}\n`);
    expect(d.split('\n')).toEqual([
      '--- x.cfg (golden)',
      '+++ x.cfg (rendered)',
      '@@ -8,6 +8,7 @@',
      ' line 8',
      ' line 9',
      ' line 10',
      '+inserted',
      ' line 11',
      ' line 12',
      ' line 13',
    ]);
  });

  it('shows a changed line as - and +, and a removed line as -', () => {
    const expected = lines(5);
    const actual = ['line 1', 'line two', 'line 3', 'line 5'];
    const d = goldenDiff('y.cfg', `${expected.join('\n')}\n`, `${actual.join('\n')}\n`).split('\n');
    expect(d.filter((l) => /^[-+][^-+]/.test(l))).toEqual(['-line 2', '+line two', '-line 4']);
  });

  it('cuts a long diff and says how much is left out', () => {
    const d = goldenDiff('z.cfg', `${lines(200).join('\n')}\n`, '', 10).split('\n');
    expect(d).toHaveLength(11);
    expect(d[10]).toMatch(/^\.\.\. \d+ more diff lines$/);
  });
});
