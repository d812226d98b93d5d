import { describe, it, expect } from '@jest/globals';
import { deliver, type Attempt, type Transport } from '../../../src/delivery/deliver.js';
import type { AttemptResult } from '../../../src/delivery/classify.js';

const policy = (attempts: number) => ({ attempts, intervalMs: 0, timeoutMs: 1000 });

/** A transport answering from a script, one entry per call (the last one repeats). */
function scripted(...answers: AttemptResult[]): Transport & { calls: Attempt[] } {
  const calls: Attempt[] = [];
  const t = async (a: Attempt) => {
    calls.push(a);
    return answers[Math.min(calls.length - 1, answers.length - 1)]!;
  };
  return Object.assign(t, { calls });
}

describe('deliver', () => {
  const live = new AbortController().signal;

  it('500 three times then 200: delivered on attempt 4, 3 retries reported', async () => {
    const t = scripted({ status: 500 }, { status: 500 }, { status: 500 }, { status: 200 });
    const retries: number[] = [];
    const out = await deliver(t, 'http://x/r', 'GET', 'create', policy(5), live, (n) => retries.push(n));
    expect(out).toEqual({ result: 'delivered', attempts: 4, status: 200 });
    expect(t.calls).toHaveLength(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it('409 on create is success without retry', async () => {
    const t = scripted({ status: 409 });
    expect(await deliver(t, 'u', 'GET', 'create', policy(5), live)).toEqual({
      result: 'delivered',
      attempts: 1,
      status: 409,
    });
    expect(t.calls).toHaveLength(1);
  });

  it('other 4xx is rejected at once with the body', async () => {
    const t = scripted({ status: 400, body: '{"message":"port: bad"}' } as AttemptResult);
    const out = await deliver(t, 'u', 'GET', 'create', policy(5), live);
    expect(out).toEqual({ result: 'rejected', attempts: 1, status: 400, body: '{"message":"port: bad"}' });
  });

  it('409 on remove is rejected', async () => {
    expect((await deliver(scripted({ status: 409 }), 'u', 'GET', 'remove', policy(3), live)).result).toBe(
      'rejected',
    );
  });

  it('gives up after exactly DF_RETRY attempts', async () => {
    const t = scripted({ transportError: 'ECONNREFUSED' });
    const out = await deliver(t, 'u', 'GET', 'remove', policy(3), live);
    expect(out).toMatchObject({ result: 'failed', attempts: 3 });
    expect(t.calls).toHaveLength(3);
  });

  it('an abort stops the retries quietly', async () => {
    const ctl = new AbortController();
    let n = 0;
    const t: Transport = async () => {
      if (++n === 2) ctl.abort();
      return { status: 500 };
    };
    const out = await deliver(t, 'u', 'GET', 'create', policy(50), ctl.signal);
    expect(out.result).toBe('cancelled');
    expect(n).toBe(2);
  });
});
