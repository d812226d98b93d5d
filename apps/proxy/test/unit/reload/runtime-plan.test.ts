import { describe, expect, it } from '@jest/globals';
import { runtimePlan } from '../../../src/reload/runtime-plan.js';
import type { RenderedConfig } from '../../../src/config/settings.js';

const cfg = (files: Record<string, string>, haproxyCfg = 'global\n'): RenderedConfig => ({
  haproxyCfg,
  files,
});

describe('runtimePlan', () => {
  const running = cfg({ 'paths.map': '/a a-be80_0\n/b b-be80_0\n', 'hosts.map': 'x.com x-be80_0\n' });

  it('turns map entry changes into adds, then sets, then deletes', () => {
    const next = cfg({
      'paths.map': '/a c-be80_0\n/c b-be80_0\n',
      'hosts.map': 'x.com x-be80_0\ny.com x-be80_0\n',
    });
    expect(runtimePlan(running, next)).toEqual([
      { op: 'add', file: 'paths.map', key: '/c', value: 'b-be80_0' },
      { op: 'add', file: 'hosts.map', key: 'y.com', value: 'x-be80_0' },
      { op: 'set', file: 'paths.map', key: '/a', value: 'c-be80_0' },
      { op: 'del', file: 'paths.map', key: '/b' },
    ]);
  });

  it('needs a reload when haproxy.cfg changed', () => {
    expect(
      runtimePlan(running, cfg({ ...running.files, 'paths.map': '/a a-be80_0\n' }, 'other\n')),
    ).toBeUndefined();
  });

  it('needs a reload when a map appears or disappears, or another file changed', () => {
    expect(runtimePlan(running, cfg({ 'paths.map': running.files['paths.map'] as string }))).toBeUndefined();
    expect(
      runtimePlan(running, cfg({ ...running.files, 'hostpaths.map': 'x.com/a x-be80_0\n' })),
    ).toBeUndefined();
    expect(runtimePlan(running, cfg({ ...running.files, 'crt-list.txt': '/certs/a.pem\n' }))).toBeUndefined();
  });

  it('needs a reload when nothing runs yet, nothing changed, or the edits are too many', () => {
    expect(runtimePlan(undefined, running)).toBeUndefined();
    expect(runtimePlan(running, running)).toBeUndefined();
    const many = Array.from({ length: 20 }, (_, i) => `/n${i} a-be80_0\n`).join('');
    expect(runtimePlan(running, cfg({ ...running.files, 'paths.map': many }), 10)).toBeUndefined();
    expect(runtimePlan(running, cfg({ ...running.files, 'paths.map': many }), 30)).toHaveLength(22);
  });

  it('needs a reload for a key the runtime API could not carry as itself', () => {
    expect(runtimePlan(running, cfg({ ...running.files, 'paths.map': '/é a-be80_0\n' }))).toBeUndefined();
    expect(runtimePlan(running, cfg({ ...running.files, 'paths.map': '/a;b a-be80_0\n' }))).toHaveLength(3);
  });
});
