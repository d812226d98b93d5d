import { describe, it, expect } from '@jest/globals';
import { dockerOptions } from '../../../src/docker/swarm-api.js';

describe('Docker connection options', () => {
  const tls = { ca: Buffer.from('ca'), cert: Buffer.from('cert'), key: Buffer.from('key') };
  it('socket, plain tcp on 2375, TLS on 2376 with the client material', () => {
    expect(dockerOptions('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(dockerOptions('tcp://10.0.0.1')).toEqual({ protocol: 'http', host: '10.0.0.1', port: 2375 });
    expect(dockerOptions('tcp://docker', tls)).toEqual({
      protocol: 'https',
      host: 'docker',
      port: 2376,
      ...tls,
    });
    expect(dockerOptions('tcp://docker:3376', tls)).toMatchObject({ protocol: 'https', port: 3376 });
  });
});
