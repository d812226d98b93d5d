import { describe, it, expect } from '@jest/globals';
import { decide, waitsForTask } from '../../../src/core/decide.js';
import { base, snap, svc } from '../fakes.js';

describe('decide', () => {
  const on = snap(svc('a', 'x', base));
  it.each([
    ['new labelled service', undefined, on, ['create']],
    ['unchanged', on, on, []],
    ['unlabelled, never notified', undefined, snap(svc('a', 'x', { 'com.df.port': '1' })), []],
    ['gone, never notified', undefined, null, []],
    ['gone after notified', on, null, ['remove']],
    [
      'notify label removed',
      on,
      snap(svc('a', 'x', { 'com.df.port': '8080', 'com.df.servicePath': '/demo' })),
      ['remove'],
    ],
    ['notify label set to false', on, snap(svc('a', 'x', { ...base, 'com.df.notify': 'false' })), ['remove']],
    ['label changed', on, snap(svc('a', 'x', { ...base, 'com.df.port': '1' })), ['update']],
    ['label added', on, snap(svc('a', 'x', { ...base, 'com.df.users': 'a:b' })), ['update']],
    ['scaled to 0', on, snap(svc('a', 'x', base, { replicas: 0 })), ['update']],
    ['renamed', on, snap(svc('a', 'y', base)), ['remove', 'create']],
  ] as const)('%s', (_name, prev, next, types) => {
    expect(decide(prev, next).map((c) => c.kind)).toEqual(types);
  });

  it('force re-sends an unchanged service', () => {
    expect(decide(on, on, { force: true }).map((c) => c.kind)).toEqual(['update']);
  });

  it('remove carries what was notified (labels for the remove parameters)', () => {
    const [c] = decide(on, null);
    expect(c).toEqual({ kind: 'remove', previous: on });
  });
});

describe('waitsForTask', () => {
  const on = snap(svc('a', 'x', base));
  it('new services wait for a task, updates and removals do not', () => {
    expect(waitsForTask({ kind: 'create', snapshot: on }, false)).toBe(true);
    expect(waitsForTask({ kind: 'create', snapshot: on }, true)).toBe(false);
    expect(waitsForTask({ kind: 'update', snapshot: on, previous: on }, false)).toBe(false);
    expect(waitsForTask({ kind: 'remove', previous: on }, false)).toBe(false);
  });
  it('nothing to wait for at 0 replicas; coming back from 0 waits', () => {
    const zero = snap(svc('a', 'x', base, { replicas: 0 }));
    expect(waitsForTask({ kind: 'create', snapshot: zero }, false)).toBe(false);
    expect(waitsForTask({ kind: 'update', snapshot: on, previous: zero }, false)).toBe(true);
    expect(
      waitsForTask({ kind: 'create', snapshot: snap(svc('g', 'g', base, { global: true })) }, false),
    ).toBe(true);
  });
});
