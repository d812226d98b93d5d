import { describe, it, expect } from '@jest/globals';
import type { Outcome } from '../../../src/delivery/deliver.js';
import { Dispatcher, type Notification } from '../../../src/delivery/dispatcher.js';

/** A send function whose calls stay pending until the test releases them. */
function gatedSend() {
  const calls: { url: string; n: Notification; signal: AbortSignal; release: (o: Outcome) => void }[] = [];
  const send = (ep: { url: string }, n: Notification, signal: AbortSignal) =>
    new Promise<Outcome>((resolve) => {
      const call = { url: ep.url, n, signal, release: resolve };
      calls.push(call);
      signal.addEventListener('abort', () => resolve({ result: 'cancelled', attempts: 1 }), { once: true });
    });
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));
const note = (service: string, v: string, kind: 'create' | 'remove' = 'create'): Notification => ({
  id: `${service}-${v}`,
  service,
  kind,
  params: { serviceName: service, v },
});

describe('Dispatcher', () => {
  const endpoints = {
    create: [
      { url: 'http://a/r', method: 'GET' as const },
      { url: 'http://b/r', method: 'GET' as const },
    ],
    remove: [{ url: 'http://a/rm', method: 'GET' as const }],
  };

  it('sends to every URL concurrently; a stuck URL delays neither another URL nor another service', async () => {
    const g = gatedSend();
    const d = new Dispatcher(endpoints, g.send);
    const first = d.submit(note('s1', '1'));
    await tick();
    expect(g.calls.map((c) => c.url)).toEqual(['http://a/r', 'http://b/r']);
    g.calls[1]!.release({ result: 'delivered', attempts: 1, status: 200 }); // b answers, a hangs
    void d.submit(note('s2', '1'));
    await tick();
    expect(g.calls.filter((c) => c.n.service === 's2')).toHaveLength(2);
    g.calls[0]!.release({ result: 'delivered', attempts: 1, status: 200 });
    expect((await first).map((o) => o.result)).toEqual(['delivered', 'delivered']);
  });

  it('a newer notification cancels the older one still in flight, then runs after it', async () => {
    const g = gatedSend();
    const d = new Dispatcher(endpoints, g.send);
    const older = d.submit(note('s', 'old'));
    await tick();
    const newer = d.submit(note('s', 'new'));
    expect((await older).map((o) => o.result)).toEqual(['cancelled', 'cancelled']);
    await tick();
    const started = g.calls.filter((c) => c.n.params.v === 'new');
    expect(started).toHaveLength(2);
    for (const c of started) c.release({ result: 'delivered', attempts: 1, status: 200 });
    expect((await newer).map((o) => o.result)).toEqual(['delivered', 'delivered']);
    expect(g.calls.filter((c) => c.n.params.v === 'old').every((c) => c.signal.aborted)).toBe(true);
  });

  it('queued notifications that are superseded never start; only the newest is sent', async () => {
    const g = gatedSend();
    const d = new Dispatcher(endpoints, g.send);
    void d.submit(note('s', '1'));
    void d.submit(note('s', '2'));
    const last = d.submit(note('s', '3'));
    await tick();
    await tick();
    expect(g.calls.map((c) => c.n.params.v)).toEqual(['3', '3']);
    for (const c of g.calls.filter((c) => c.n.params.v === '3'))
      c.release({ result: 'delivered', attempts: 1, status: 200 });
    await last;
  });

  it('create then remove for one service: remove is not sent before the create finished', async () => {
    const order: string[] = [];
    const d = new Dispatcher(
      { create: [{ url: 'http://a/r', method: 'GET' }], remove: [{ url: 'http://a/r', method: 'GET' }] },
      async (_ep, n) => {
        order.push(`start ${n.kind}`);
        await tick();
        order.push(`end ${n.kind}`);
        return { result: 'delivered', attempts: 1, status: 200 };
      },
    );
    void d.submit(note('s', '1'));
    await tick();
    await d.submit(note('s', '1', 'remove'));
    expect(order).toEqual(['start create', 'end create', 'start remove', 'end remove']);
  });
});

describe('Dispatcher with maxPerUrl', () => {
  const endpoints = {
    create: [
      { url: 'http://a/r', method: 'GET' as const },
      { url: 'http://b/r', method: 'GET' as const },
    ],
    remove: [],
  };

  it('starts at most maxPerUrl sends per URL; a URL that hangs holds back no other URL', async () => {
    const g = gatedSend();
    const d = new Dispatcher(endpoints, g.send, 2);
    for (const s of ['s1', 's2', 's3']) void d.submit(note(s, '1'));
    await tick();
    expect(g.calls.map((c) => `${c.url} ${c.n.service}`)).toEqual([
      'http://a/r s1',
      'http://b/r s1',
      'http://a/r s2',
      'http://b/r s2',
    ]);
    // b answers, a hangs: b's queue moves on, a's does not.
    for (const c of g.calls.filter((x) => x.url === 'http://b/r'))
      c.release({ result: 'delivered', attempts: 1, status: 200 });
    await tick();
    await tick();
    expect(g.calls.map((c) => `${c.url} ${c.n.service}`)).toContain('http://b/r s3');
    expect(g.calls.map((c) => `${c.url} ${c.n.service}`)).not.toContain('http://a/r s3');
  });

  it('a notification superseded while it waits for a slot is never sent', async () => {
    const g = gatedSend();
    const d = new Dispatcher({ create: [endpoints.create[0]!], remove: [] }, g.send, 1);
    void d.submit(note('s1', '1'));
    const waiting = d.submit(note('s2', '1'));
    await tick();
    const newer = d.submit(note('s2', '2'));
    await tick();
    expect(await waiting).toEqual([{ result: 'cancelled', attempts: 0 }]);
    g.calls[0]!.release({ result: 'delivered', attempts: 1, status: 200 });
    await tick();
    await tick();
    expect(g.calls.map((c) => `${c.n.service}@${c.n.params.v}`)).toEqual(['s1@1', 's2@2']);
    g.calls[1]!.release({ result: 'delivered', attempts: 1, status: 200 });
    expect((await newer)[0]?.result).toBe('delivered');
  });
});
