import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServiceSpec, type ServiceSpec } from '@flowproxy/protocol';
import { deferredSaver, loadState, saveState } from '../../../src/state/persist.js';
import { normalizeSpec, stateHash } from '../../../src/state/routing-state.js';

const spec = (q: string): ServiceSpec => {
  const r = parseServiceSpec(q, {});
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return normalizeSpec(r.spec);
};

describe('saveState / loadState', () => {
  it('gives back the same services, sorted by name, with the same state hash', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowproxy-persist-')), 'state.json');
    const services = new Map(
      [
        spec('serviceName=b&serviceDomain=b.test&port=80&users=u:p'),
        spec('serviceName=a&servicePath=/a,/a2&port=8080&addReqHeader=X-A%201'),
      ].map((s) => [s.serviceName, s]),
    );
    saveState(file, services);
    const loaded = loadState(file);
    expect(loaded.map((s) => s.serviceName)).toEqual(['a', 'b']);
    expect(loaded).toEqual([services.get('a'), services.get('b')]);
    expect(stateHash(new Map(loaded.map((s) => [s.serviceName, s])))).toBe(stateHash(services));
    // One service per line: a diff of two saves shows which services changed.
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(5);
  });

  it('round-trips an empty state, and a missing file is an empty state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowproxy-persist-'));
    saveState(join(dir, 'state.json'), new Map());
    expect(loadState(join(dir, 'state.json'))).toEqual([]);
    expect(loadState(join(dir, 'none.json'))).toEqual([]);
  });
});

describe('deferredSaver', () => {
  it('writes the newest services once after the current turn, and at once on flush', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flowproxy-persist-')), 'state.json');
    const a = spec('serviceName=a&servicePath=/a&port=80');
    const b = spec('serviceName=b&servicePath=/b&port=80');
    const saver = deferredSaver(file, (e) => {
      throw e;
    });
    saver.save(new Map([['a', a]]));
    saver.save(
      new Map([
        ['a', a],
        ['b', b],
      ]),
    );
    expect(loadState(file)).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(loadState(file).map((s) => s.serviceName)).toEqual(['a', 'b']);
    saver.save(new Map([['b', b]]));
    saver.flush();
    expect(loadState(file).map((s) => s.serviceName)).toEqual(['b']);
  });
});

describe('deferredSaver failures', () => {
  it('reports a write that fails instead of throwing it out of the event loop', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowproxy-persist-'));
    // A file where the directory should be: mkdir and the write fail with ENOTDIR.
    writeFileSync(join(dir, 'blocked'), '');
    const errors: Error[] = [];
    const saver = deferredSaver(join(dir, 'blocked', 'state.json'), (e) => errors.push(e));
    saver.save(new Map([['a', spec('serviceName=a&servicePath=/a&port=80')]]));
    expect(() => saver.flush()).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/ENOTDIR|EEXIST/);
  });
});
