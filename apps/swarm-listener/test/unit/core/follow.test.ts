import { describe, it, expect } from '@jest/globals';
import { eventually } from '@flowproxy/testkit';
import { followEvents, nextBackoff } from '../../../src/core/follow.js';
import type { DockerEvent } from '../../../src/docker/types.js';
import { FakeSwarm, silentLog } from '../fakes.js';

describe('event stream', () => {
  const o = { minBackoffMs: 100, maxBackoffMs: 1000, stableMs: 5000 };
  it('backoff doubles to the maximum and resets after a stable stream', () => {
    expect(nextBackoff(100, null, o)).toEqual({ delay: 100, next: 200 });
    expect(nextBackoff(800, 10, o)).toEqual({ delay: 800, next: 1000 });
    expect(nextBackoff(1000, null, o)).toEqual({ delay: 1000, next: 1000 });
    expect(nextBackoff(1000, 6000, o)).toEqual({ delay: 100, next: 200 });
  });

  it('reopens a stream that ended, counts it, and reports the reopen so the caller reconciles', async () => {
    const api = new FakeSwarm();
    const events: DockerEvent[] = [];
    const opens: boolean[] = [];
    let reconnects = 0;
    const stop = new AbortController();
    const done = followEvents(
      api,
      { onEvent: (e) => events.push(e), onOpen: (r) => opens.push(r), onReconnect: () => reconnects++ },
      silentLog,
      stop.signal,
      { minBackoffMs: 1, maxBackoffMs: 2, stableMs: 1000 },
    );
    api.emit({ action: 'create', id: 'a' });
    await eventually(() => expect(events).toHaveLength(1));
    api.endStream();
    await eventually(() => expect(opens).toEqual([false, true]));
    api.emit({ action: 'remove', id: 'a' });
    await eventually(() => expect(events.map((e) => e.action)).toEqual(['create', 'remove']));
    expect(reconnects).toBe(1);
    stop.abort();
    await done;
  });
});
