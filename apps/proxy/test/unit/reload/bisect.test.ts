import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { findRefused } from '../../../src/reload/bisect.js';

// The search for the changes HAProxy refuses, over a fake checker: pure, so exhaustively testable.
describe('findRefused', () => {
  it('keeps every good item and refuses exactly the bad ones, whatever their number and place (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 40 }), async (bad) => {
        const items = bad.map((b, i) => ({ i, b }));
        let checks = 0;
        const search = await findRefused(items, async (accepted, candidates) => {
          checks += 1;
          expect(accepted.some((x) => x.b)).toBe(false);
          const culprit = candidates.find((x) => x.b);
          return culprit ? { ok: false, detail: `item ${culprit.i}` } : { ok: true };
        });
        expect(search.accepted.map((x) => x.i)).toEqual(items.filter((x) => !x.b).map((x) => x.i));
        expect(search.refused.map((r) => r.item.i)).toEqual(items.filter((x) => x.b).map((x) => x.i));
        for (const r of search.refused) expect(r.detail).toBe(`item ${r.item.i}`);
        if (!bad.includes(true)) expect(checks).toBe(items.length > 0 ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });

  it('judges the second half on top of what the first half kept', async () => {
    const seen: string[] = [];
    await findRefused(['a', 'x', 'b', 'c'], async (accepted, candidates) => {
      seen.push(`${accepted.join('')}|${candidates.join('')}`);
      return candidates.includes('x') ? { ok: false, detail: 'x' } : { ok: true };
    });
    expect(seen).toEqual(['|axbc', '|ax', '|a', 'a|x', 'a|bc']);
  });
});
