import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readiness } from '../../../src/sync/readiness.js';
import { resyncRemovals, type Missing } from '../../../src/sync/removals.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');

describe('resyncRemovals', () => {
  const run = (answers: string[][], times: number[], grace: number): string[][] => {
    let missing: ReadonlyMap<string, Missing> = new Map();
    return answers.map((answer, i) => {
      const r = resyncRemovals(
        ['a', 'b', 'pinned'],
        new Set(answer),
        new Set(['pinned']),
        missing,
        times[i] ?? 0,
        grace,
      );
      missing = r.missing;
      return r.remove;
    });
  };

  it('never removes a service missing from one answer alone', () => {
    expect(run([['a'], ['a', 'b'], ['a'], ['a', 'b']], [0, 10, 20, 30], 0)).toEqual([[], [], [], []]);
  });

  it('removes after two consecutive answers and the grace period, never a pinned one', () => {
    expect(run([['a'], ['a'], ['a'], ['a']], [0, 100, 200, 300], 250)).toEqual([[], [], [], ['b']]);
    expect(run([['a'], ['a']], [0, 1], 0)).toEqual([[], ['b']]);
  });
});

describe('readiness', () => {
  const status = { initialSync: false, inSync: false, consecutiveFailures: 3 };
  it('is healthy once HAProxy serves, whatever the listener says (liveness is not readiness)', () => {
    expect(readiness(status, false).healthy).toBe(false);
    expect(readiness(status, true)).toMatchObject({
      healthy: true,
      inSync: false,
      initialSync: false,
    });
    expect(readiness({ ...status, initialSync: true, inSync: true }, true)).toMatchObject({
      healthy: true,
      inSync: true,
    });
    expect(readiness(undefined, true)).toMatchObject({ listener: false, healthy: true, inSync: true });
  });
});

describe('container healthchecks', () => {
  it('use the liveness endpoint (healthy), not the listener-bound successfulinitreload', () => {
    for (const file of ['docker/proxy.Dockerfile', 'docker-compose.yml']) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text).toContain('/v1/docker-flow-proxy/healthy');
      expect(text).not.toContain('successfulinitreload');
    }
  });
});
