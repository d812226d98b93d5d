import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { createLogger } from '@flowproxy/runtime';
import type { Attempt, Transport } from '../../src/delivery/deliver.js';
import { createSender } from '../../src/delivery/sender.js';

describe('createSender', () => {
  it('sends the notification id as X-Request-Id and logs it on every line about the notification', async () => {
    const stream = new PassThrough();
    const out: string[] = [];
    stream.on('data', (c: Buffer) => out.push(c.toString('utf8')));
    const calls: Attempt[] = [];
    const answers = [{ status: 503 }, { status: 200 }];
    const transport: Transport = async (a) => {
      calls.push(a);
      return answers[calls.length - 1] ?? { status: 200 };
    };
    const send = createSender(
      transport,
      { attempts: 3, intervalMs: 0, timeoutMs: 1000 },
      createLogger('swarm-listener', { stream }),
    );
    const outcome = await send(
      { url: 'http://proxy:8080/v1/docker-flow-proxy/reconfigure', method: 'GET' },
      {
        id: 'n0tif1cation',
        service: 'web',
        kind: 'create',
        params: { serviceName: 'web', servicePath: '/web' },
      },
      new AbortController().signal,
    );
    await new Promise((r) => setImmediate(r));
    expect(outcome).toMatchObject({ result: 'delivered', attempts: 2 });
    expect(calls.map((c) => c.headers)).toEqual([
      { 'x-request-id': 'n0tif1cation' },
      { 'x-request-id': 'n0tif1cation' },
    ]);
    const lines = out
      .join('')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as { message: string; requestId?: string });
    expect(lines.map((l) => l.message)).toEqual([
      'Sending service created notification to http://proxy:8080/v1/docker-flow-proxy/reconfigure?serviceName=web&servicePath=%2Fweb',
      'notification failed, retrying',
      'notification delivered',
    ]);
    expect(lines.every((l) => l.requestId === 'n0tif1cation')).toBe(true);
  });
});
