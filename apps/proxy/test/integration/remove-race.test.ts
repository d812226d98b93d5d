import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { freePorts, startProxy, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, type Backend } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget.
jest.setTimeout(60000);

// Found by `npm run soak`: the listener sent a service's create, then (the service removed at once)
// its remove. The remove reached the proxy while the create was still being applied (validated and
// reloaded, not yet live), was answered "unknown service" and dropped, and the create then went
// live: a removed service kept its route until the resync removed it (RESYNC_REMOVE_AFTER later).
let proxy: StartedProxy;
let backend: Backend;
let port = 0;

beforeAll(async () => {
  [port] = (await freePorts(1)) as [number];
  backend = await startBackend('race', '127.0.0.9', port);
  proxy = await startProxy();
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

describe('a remove arriving while the same service`s create is being applied', () => {
  it('is applied after it: the service ends up gone', async () => {
    for (let i = 0; i < 3; i++) {
      const name = `race${i}`;
      let createDone = false;
      const create = api(
        proxy.apiUrl,
        `reconfigure?serviceName=${name}&servicePath=/${name}&port=${port}&outboundHostname=127.0.0.9`,
      ).then((r) => ((createDone = true), r));
      // The create waits for its batch (RELOAD_DELAY_MS), `haproxy -c` and a reload: far longer.
      await new Promise((r) => setTimeout(r, 5));
      expect(createDone).toBe(false);
      const remove = await api(proxy.apiUrl, `remove?serviceName=${name}`);
      expect(remove.status).toBe(200);
      expect((await create).status).toBe(200);
      const cfg = await api(proxy.apiUrl, 'config?type=json');
      expect(Object.keys(cfg.json.services as Record<string, unknown>)).not.toContain(name);
      expect((await http(`${proxy.httpUrl}/${name}/`)).status).toBe(503);
    }
  });
});
