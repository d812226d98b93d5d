import { describe, expect, it } from '@jest/globals';
import { listenerBase } from '../../../src/sync/listener.js';

describe('listener address', () => {
  it('turns a host into the upstream URL and keeps full URLs', () => {
    expect(listenerBase('swarm-listener')).toBe('http://swarm-listener:8080');
    expect(listenerBase('127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(listenerBase('http://l:1/v1/docker-flow-swarm-listener/get-services')).toBe('http://l:1');
  });
});
