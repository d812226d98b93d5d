import { describe, expect, it, jest } from '@jest/globals';
import { outputLevel, RoutineSummary, routineKind } from '../../../src/haproxy/output.js';

// Lines as HAProxy 2.6.12 printed them at a reload with 10,000 services (one each of 20,000).
const STOPPED = '[WARNING]  (26539) : Proxy s312-be8001_0 stopped (cumulated conns: FE: 0, BE: 12).';
const RESTORED =
  '[WARNING]  (26539) : config : Server s312-be8001_0/s312 is DOWN, changed from server-state after a reload. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.';
const HEALTH =
  '[WARNING]  (26544) : Server d1-be8001_0/d1 is DOWN, reason: Layer4 connection problem, info: "Connection refused"';
const NO_SERVER = "[ALERT]    (26544) : backend 'd1-be8001_0' has no server available!";

describe('HAProxy output', () => {
  it('tells the per-proxy lines of a reload from lines worth logging on their own', () => {
    expect(routineKind(STOPPED)).toBe('proxyStopped');
    expect(routineKind(RESTORED)).toBe('serverStateRestored');
    expect(routineKind(HEALTH)).toBeUndefined();
    expect(routineKind(NO_SERVER)).toBeUndefined();
    expect(routineKind('[NOTICE]   (1) : New worker (2) forked')).toBeUndefined();
    expect(outputLevel(NO_SERVER)).toBe('warn');
    expect(outputLevel('[NOTICE]   (1) : Loading success.')).toBe('info');
  });

  it('summarizes a run of routine lines once, after its window', () => {
    jest.useFakeTimers();
    try {
      const flushed: unknown[] = [];
      const s = new RoutineSummary(1000, (c) => flushed.push(c));
      for (let i = 0; i < 3; i++) s.add('proxyStopped');
      s.add('serverStateRestored');
      expect(flushed).toEqual([]);
      jest.advanceTimersByTime(1000);
      expect(flushed).toEqual([{ proxyStopped: 3, serverStateRestored: 1 }]);
      s.add('proxyStopped');
      s.emit();
      s.emit();
      expect(flushed).toEqual([{ proxyStopped: 3, serverStateRestored: 1 }, { proxyStopped: 1 }]);
    } finally {
      jest.useRealTimers();
    }
  });
});
