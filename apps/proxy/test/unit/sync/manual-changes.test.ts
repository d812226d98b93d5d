import { describe, expect, it } from '@jest/globals';
import { parseServiceSpec, type ServiceSpec } from '@flowproxy/protocol';
import { ManualChanges } from '../../../src/sync/manual-changes.js';

const spec = (q: string): ServiceSpec => {
  const r = parseServiceSpec(q);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
};
const listener = spec('serviceName=a&servicePath=/a&port=80&replicas=1');
const manual = spec('serviceName=a&servicePath=/manual&port=80&replicas=1');
const relabelled = spec('serviceName=a&servicePath=/b&port=80&replicas=1');

describe('ManualChanges: what the resync keeps', () => {
  it('the first resync applies the listener definition', () => {
    const m = new ManualChanges();
    expect(m.decide('a', listener, manual)).toBe('apply');
    expect(m.list()).toEqual([]);
  });

  it('a manual reconfigure is kept while the listener definition is unchanged, and flagged', () => {
    const m = new ManualChanges();
    m.decide('a', listener, listener);
    m.changedByApi('a', manual);
    expect(m.list()).toEqual(['a']);
    expect(m.decide('a', listener, manual)).toBe('keep-manual');
    expect(m.decide('a', listener, manual)).toBe('keep-manual');
  });

  it('the listener wins again once its own definition changes', () => {
    const m = new ManualChanges();
    m.decide('a', listener, listener);
    m.changedByApi('a', manual);
    expect(m.decide('a', relabelled, manual)).toBe('apply');
    expect(m.list()).toEqual([]);
  });

  it('a manual remove of an announced service is kept too', () => {
    const m = new ManualChanges();
    m.decide('a', listener, listener);
    m.changedByApi('a', undefined);
    expect(m.decide('a', listener, undefined)).toBe('keep-manual');
  });

  it('a listener notification that matches the next resync is not a manual change', () => {
    const m = new ManualChanges();
    m.decide('a', listener, listener);
    m.changedByApi('a', relabelled); // the notification of the new labels, before the resync sees them
    expect(m.decide('a', relabelled, relabelled)).toBe('apply');
    expect(m.list()).toEqual([]);
  });

  it('a service added by hand is kept from removal until the listener announces it', () => {
    const m = new ManualChanges();
    m.changedByApi('extra', spec('serviceName=extra&servicePath=/x&port=80'));
    expect([...m.keptByHand()]).toEqual(['extra']);
    expect(m.list()).toEqual(['extra']);
    m.changedByApi('extra', undefined);
    expect([...m.keptByHand()]).toEqual([]);
  });

  it('prune forgets services the listener no longer announces', () => {
    const m = new ManualChanges();
    m.decide('a', listener, listener);
    m.changedByApi('a', manual);
    m.prune(new Set());
    expect(m.list()).toEqual([]);
    expect(m.decide('a', listener, manual)).toBe('apply');
  });
});
