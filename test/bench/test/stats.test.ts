import { describe, expect, it } from '@jest/globals';
import { medianBand, quantile } from '../src/stats.js';

describe('medianBand (sign-test interval of the median)', () => {
  const ten = [0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99];
  it('takes order statistics 2 and 9 of 10 pairs (97.9 % coverage)', () => {
    expect(medianBand([...ten].reverse())).toEqual({ low: 0.91, high: 0.98 });
  });
  it('falls back to the whole range when there are too few pairs for 95 %', () => {
    expect(medianBand([1.1, 0.8])).toEqual({ low: 0.8, high: 1.1 });
  });
  it('quantile by nearest rank', () => {
    expect(quantile(ten, 0.25)).toBe(0.92);
    expect(quantile(ten, 0.75)).toBe(0.97);
  });
});
