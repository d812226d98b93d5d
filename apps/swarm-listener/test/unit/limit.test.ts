import { describe, it, expect } from '@jest/globals';
import type { Attempt, Transport } from '../../src/delivery/deliver.js';
import { limitConcurrency } from '../../src/delivery/limit.js';

type Answer = Awaited<ReturnType<Transport>>;

/** A transport whose calls stay open until the test settles them, in any order. */
function held() {
  const open: Array<{ attempt: Attempt; resolve: (a: Answer) => void; reject: (e: Error) => void }> = [];
  let most = 0;
  const transport: Transport = (attempt) =>
    new Promise((resolve, reject) => {
      open.push({ attempt, resolve, reject });
      most = Math.max(most, open.length);
    });
  const settle = (i = 0, answer: Answer = { status: 200 }): void => open.splice(i, 1)[0]!.resolve(answer);
  return { transport, open, settle, most: () => most };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const attempt = (url: string, signal = new AbortController().signal): Attempt => ({
  url,
  method: 'GET',
  timeoutMs: 1000,
  signal,
});

describe('limitConcurrency', () => {
  it('keeps at most `max` calls open and starts the waiting ones in order as slots free', async () => {
    const h = held();
    const limited = limitConcurrency(h.transport, 2);
    const results = ['a', 'b', 'c', 'd', 'e'].map((u) => limited(attempt(u)));
    await flush();
    expect(h.open.map((o) => o.attempt.url)).toEqual(['a', 'b']);
    h.settle(1, { status: 201 });
    await flush();
    expect(h.open.map((o) => o.attempt.url)).toEqual(['a', 'c']);
    while (h.open.length > 0) {
      h.settle();
      await flush();
    }
    expect(h.most()).toBe(2);
    expect(await Promise.all(results)).toEqual([
      { status: 200 },
      { status: 201 },
      { status: 200 },
      { status: 200 },
      { status: 200 },
    ]);
  });

  it('an abort while waiting rejects with the reason at once and never reaches the transport', async () => {
    const h = held();
    const limited = limitConcurrency(h.transport, 1);
    const first = limited(attempt('a'));
    const ctl = new AbortController();
    const second = limited(attempt('b', ctl.signal));
    const third = limited(attempt('c'));
    ctl.abort(new Error('superseded'));
    await expect(second).rejects.toThrow('superseded');
    h.settle();
    await flush();
    expect(h.open.map((o) => o.attempt.url)).toEqual(['c']);
    h.settle();
    await expect(Promise.all([first, third])).resolves.toEqual([{ status: 200 }, { status: 200 }]);
  });

  it('an already aborted attempt is rejected without taking a slot', async () => {
    const h = held();
    const limited = limitConcurrency(h.transport, 1);
    const ctl = new AbortController();
    ctl.abort(new Error('gone'));
    await expect(limited(attempt('a', ctl.signal))).rejects.toThrow('gone');
    void limited(attempt('b'));
    await flush();
    expect(h.open.map((o) => o.attempt.url)).toEqual(['b']);
  });

  it('a transport that rejects frees its slot', async () => {
    const h = held();
    const limited = limitConcurrency(h.transport, 1);
    const first = limited(attempt('a'));
    const second = limited(attempt('b'));
    await flush();
    h.open.shift()!.reject(new Error('aborted in flight'));
    await expect(first).rejects.toThrow('aborted in flight');
    await flush();
    expect(h.open.map((o) => o.attempt.url)).toEqual(['b']);
    h.settle();
    await expect(second).resolves.toEqual({ status: 200 });
  });

  it('rejects a limit that is not a positive integer', () => {
    const h = held();
    expect(() => limitConcurrency(h.transport, 0)).toThrow('max must be an integer >= 1, got 0');
    expect(() => limitConcurrency(h.transport, 1.5)).toThrow(RangeError);
  });
});
