import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import {
  acceptRequestId,
  createLogger,
  currentRequestId,
  LOG_FORMAT_VAR,
  newRequestId,
  outsideRequest,
  withRequestId,
  type LogFormat,
} from '../src/index.js';

function capture(format: LogFormat): { log: ReturnType<typeof createLogger>; lines: () => string[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const log = createLogger('proxy', { format, stream });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0),
  };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('logger', () => {
  it('writes one JSON object per line naming the request being handled, across awaits', async () => {
    const { log, lines } = capture('json');
    await withRequestId('abc123', async () => {
      await settle();
      log.info('reconfigure', { serviceName: 'web', password: 'hunter2' });
    });
    log.info('outside');
    await settle();
    const [inside, outside] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({
      message: 'reconfigure',
      requestId: 'abc123',
      serviceName: 'web',
      component: 'proxy',
    });
    expect(inside?.password).toBe('***');
    expect(outside?.requestId).toBeUndefined();
  });

  it('keeps an explicit requestId, and none inside outsideRequest', async () => {
    const { log, lines } = capture('json');
    withRequestId('first', () => {
      log.info('explicit', { requestId: 'given' });
      outsideRequest(() => log.info('batch'));
    });
    await settle();
    const [a, b] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(a?.requestId).toBe('given');
    expect(b?.requestId).toBeUndefined();
  });

  it('writes a readable line with LOG_FORMAT=pretty', async () => {
    const { log, lines } = capture('pretty');
    withRequestId('r1', () => log.warn('reload failed', { changes: 2, error: 'bad thing' }));
    await settle();
    expect(lines()[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}proxy {10}reload failed changes=2 error="bad thing" requestId=r1$/,
    );
  });

  it('parses LOG_FORMAT strictly', () => {
    expect(LOG_FORMAT_VAR.parse('pretty')).toBe('pretty');
    expect(LOG_FORMAT_VAR.default).toBe('json');
    expect(() => LOG_FORMAT_VAR.parse('xml')).toThrow('json, pretty');
  });
});

describe('request ids', () => {
  it('makes short unique ids and accepts only loggable ones from callers', () => {
    const ids = new Set(Array.from({ length: 1000 }, newRequestId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{12}$/);
    expect(acceptRequestId('0b1c-XYZ_9.z:1')).toBe('0b1c-XYZ_9.z:1');
    for (const bad of ['', 'a b', 'a"b', 'x\ny', 'x'.repeat(65), undefined, ['a']])
      expect(acceptRequestId(bad)).toBeUndefined();
    expect(currentRequestId()).toBeUndefined();
  });
});
