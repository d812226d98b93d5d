import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually, freePorts, startDns, startProxy, type Dns, type StartedProxy } from '@flowproxy/testkit';
import { api, http, startBackend, startPongServer, type Backend, promMetrics } from './support.js';

// Real processes on a shared 2-core machine: generous per-test budget, assertions use eventually().
jest.setTimeout(30000);

// Every routing feature through real HAProxy on loopback. Backends are found the Swarm way:
// `tasks.<service>` records in a private dnsmasq, one backend per 127.0.0.x address.
const run = promisify(execFile);
let dns: Dns;
let proxy: StartedProxy;
let filtered: StartedProxy;
const backends = new Map<string, Backend>();
let port = 0;
let tcpPort = 0;
let srcPort = 0;
let pong: { close(): Promise<void> };

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const ip = (name: string): string => `127.0.0.${20 + NAMES.indexOf(name)}`;
/** Service -> backend it resolves to (its tasks.<service> record). */
const records: Record<string, string[]> = {};
const svc = (service: string, backend: string): void => {
  records[`tasks.${service}`] = [ip(backend)];
};

async function reconfigure(query: string, expected = 200): Promise<Record<string, unknown>> {
  const r = await api(proxy.apiUrl, `reconfigure?${query}`);
  expect({ status: r.status, body: r.json }).toMatchObject({ status: expected });
  return r.json;
}

/** Which backend answered (and with which path), eventually: DNS needs up to `hold valid` for a new service. */
async function answers(
  path: string,
  backend: string,
  opts: Parameters<typeof http>[1] = {},
): Promise<string> {
  return eventually(
    async () => {
      const r = await http(`${proxy.httpUrl}${path}`, opts);
      expect(`${r.status} ${String(r.headers['x-backend'] ?? '-')}`).toBe(`200 ${backend}`);
      return r.body;
    },
    { timeoutMs: 5000 },
  );
}
const status = async (path: string, opts: Parameters<typeof http>[1] = {}): Promise<number> =>
  (await http(`${proxy.httpUrl}${path}`, opts)).status;

beforeAll(async () => {
  [port, tcpPort, srcPort] = (await freePorts(3)) as [number, number, number];
  for (const n of NAMES) backends.set(n, await startBackend(n, ip(n), port));
  svc('go-demo', 'a');
  svc('go-demo-api', 'b');
  svc('root', 'c');
  svc('dom', 'd');
  svc('wild', 'e');
  svc('algo', 'f');
  svc('rewrite', 'g');
  svc('regex', 'h');
  for (const [s, b] of Object.entries({
    idx: 'a',
    hdrs: 'b',
    methods: 'c',
    deny: 'd',
    excl: 'e',
    ptype: 'f',
    shdr: 'g',
    ua: 'h',
    uadef: 'a',
    redir: 'b',
    sticky: 'c',
    def: 'd',
    tmo: 'e',
    cmp: 'f',
    chk: 'g',
    fromdom: 'h',
    instance: 'a',
  }))
    svc(s, b);
  records.overlay = [ip('b')];
  records['tasks.redis'] = ['127.0.0.40'];
  pong = await startPongServer('127.0.0.40', tcpPort);
  dns = await startDns(records);
  proxy = await startProxy({
    env: { RESOLVERS: `nameserver dns ${dns.address}`, BIND_PORTS: String(srcPort) },
  });
  filtered = await startProxy({
    env: {
      RESOLVERS: `nameserver dns ${dns.address}`,
      FILTER_PROXY_INSTANCE_NAME: 'true',
      PROXY_INSTANCE_NAME: 'edge',
    },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([proxy?.stop(), filtered?.stop()]);
  await dns?.stop();
  await Promise.all([...backends.values()].map((b) => b.close()));
  await pong?.close();
});

describe('walkthrough routing', () => {
  it('servicePath (single and list) and port', async () => {
    await reconfigure(`serviceName=go-demo&servicePath=/demo/hello,/demo/person&port=${port}`);
    expect(await answers('/demo/hello', 'a')).toBe('a GET /demo/hello');
    expect(await answers('/demo/person?id=1', 'a')).toBe('a GET /demo/person?id=1');
    expect(await status('/demo/other')).toBe(503);
  });

  it('orders services: more specific paths first, / last (prefix semantics of path_beg)', async () => {
    await reconfigure(`serviceName=root&servicePath=/&port=${port}`);
    await reconfigure(`serviceName=go-demo-api&servicePath=/demo/hello/api&port=${port}`);
    await answers('/demo/hello/api/v1', 'b');
    await answers('/demo/hello', 'a');
    await answers('/demo/helloworld', 'a'); // /demo/hello captures /demo/helloworld, as upstream
    await answers('/anything/else', 'c');
  });

  it('serviceDomain: list, * wildcard prefix, serviceDomainAlgo', async () => {
    await reconfigure(`serviceName=dom&serviceDomain=one.example.com,two.example.com&port=${port}`);
    await reconfigure(`serviceName=wild&serviceDomain=*.wild.example.com&port=${port}`);
    await reconfigure(
      `serviceName=algo&serviceDomain=algo.example.com&serviceDomainAlgo=hdr_dom(host)&servicePath=/algo&port=${port}`,
    );
    await answers('/x', 'd', { headers: { Host: 'one.example.com' } });
    await answers('/x', 'd', { headers: { Host: 'two.example.com:8080' } });
    await answers('/x', 'e', { headers: { Host: 'a.b.wild.example.com' } });
    await answers('/algo/x', 'f', { headers: { Host: 'algo.example.com' } });
    await answers('/x', 'c', { headers: { Host: 'three.example.com' } }); // falls to the / service
  });

  it('reqPathSearchReplace: plain and regex', async () => {
    await reconfigure(
      `serviceName=rewrite&servicePath=/something&port=${port}&reqPathSearchReplace=${encodeURIComponent('/something/,/demo/')}`,
    );
    expect(await answers('/something/hello', 'g')).toBe('g GET /demo/hello');
    await reconfigure(
      `serviceName=regex&servicePath=/else&port=${port}&reqPathSearchReplace=${encodeURIComponent('/else/.*,/demo/hello')}`,
    );
    expect(await answers('/else/totally/different', 'h')).toBe('h GET /demo/hello');
  });

  it('removal takes the route away', async () => {
    await reconfigure(`serviceName=gone&servicePath=/gone&port=${port}&outboundHostname=${ip('a')}`);
    await answers('/gone/', 'a');
    expect((await api(proxy.apiUrl, 'remove?serviceName=gone')).status).toBe(200);
    await answers('/gone/', 'c'); // the / catch-all now
    expect((await api(proxy.apiUrl, 'config?type=json')).json.services).not.toHaveProperty('gone');
  });

  it('TCP mode: reqMode=tcp with srcPort gets its own frontend (redis PING -> PONG)', async () => {
    const [redisSrc] = (await freePorts(1)) as [number];
    await reconfigure(`serviceName=redis&reqMode=tcp&srcPort=${redisSrc}&port=${tcpPort}`);
    expect((await api(proxy.apiUrl, 'config')).body).toMatch(new RegExp(`bind \\S*:${redisSrc}`));
    await eventually(async () => {
      const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(redisSrc), 'PING'], {
        timeout: 3000,
      });
      expect(stdout.trim()).toBe('PONG');
    });
  });
});

describe('the rest of the parameter table', () => {
  it('indexed destinations .N with their own paths and ports', async () => {
    await reconfigure(
      `serviceName=idx&servicePath.1=/idx-one&port.1=${port}&servicePath.2=/idx-two&port.2=${port}&reqPathSearchReplace.2=${encodeURIComponent('/idx-two,/two')}`,
    );
    expect(await answers('/idx-one/x', 'a')).toBe('a GET /idx-one/x');
    expect(await answers('/idx-two/x', 'a')).toBe('a GET /two/x');
  });

  it('request and response headers: add, set, del', async () => {
    await reconfigure(
      `serviceName=hdrs&servicePath=/hdrs&port=${port}&addReqHeader=${encodeURIComponent('X-Added yes')}&setReqHeader=${encodeURIComponent('X-Set forced')}&delReqHeader=X-Remove-Me` +
        `&addResHeader=${encodeURIComponent('X-Res-Added yes')}&setResHeader=${encodeURIComponent('X-Backend proxy')}&delResHeader=x-echo-headers`,
    );
    await eventually(async () => {
      const r = await http(`${proxy.httpUrl}/hdrs/`, { headers: { 'X-Set': 'client', 'X-Remove-Me': '1' } });
      expect(r.status).toBe(200);
      expect(r.headers['x-res-added']).toBe('yes');
      expect(r.headers['x-backend']).toBe('proxy');
      expect(r.headers['x-echo-headers']).toBeUndefined();
      const seen = backends.get('b')?.seen.at(-1)?.headers ?? {};
      expect(seen['x-added']).toBe('yes');
      expect(seen['x-set']).toBe('forced');
      expect(seen['x-remove-me']).toBeUndefined();
    });
  });

  it('allowedMethods and deniedMethods answer 403', async () => {
    await reconfigure(`serviceName=methods&servicePath=/methods&port=${port}&allowedMethods=GET,HEAD`);
    await answers('/methods/', 'c');
    expect(await status('/methods/', { method: 'POST', body: '' })).toBe(403);
    await reconfigure(`serviceName=methods&servicePath=/methods&port=${port}&deniedMethods=DELETE`);
    expect(await status('/methods/', { method: 'DELETE' })).toBe(403);
    await answers('/methods/', 'c', { method: 'POST', body: '' });
  });

  it('denyHttp refuses plain HTTP', async () => {
    await reconfigure(`serviceName=deny&servicePath=/deny&port=${port}&denyHttp=true`);
    await eventually(async () => expect(await status('/deny/')).toBe(403));
  });

  it('servicePathExclude and pathType', async () => {
    await reconfigure(`serviceName=excl&servicePath=/excl&servicePathExclude=/excl/private&port=${port}`);
    await answers('/excl/public', 'e');
    await answers('/excl/private/x', 'c'); // excluded: falls through to the / service
    await reconfigure(`serviceName=ptype&servicePath=/exact&pathType=path&port=${port}`);
    await answers('/exact', 'f');
    await answers('/exact/more', 'c');
  });

  it('serviceHeader and userAgent restrict a route', async () => {
    await reconfigure(
      `serviceName=shdr&servicePath=/hdr-only&serviceHeader=${encodeURIComponent('X-Version:3')}&port=${port}`,
    );
    await answers('/hdr-only/', 'g', { headers: { 'X-Version': '3' } });
    await answers('/hdr-only/', 'c');
    await reconfigure(`serviceName=ua&servicePath=/ua&userAgent=mobile&port=${port}`);
    await answers('/ua/', 'h', { headers: { 'User-Agent': 'my mobile browser' } });
    await answers('/ua/', 'c', { headers: { 'User-Agent': 'desktop' } });
  });

  it('httpsOnly and redirectWhenHttpProto redirect to https', async () => {
    await reconfigure(
      `serviceName=redir&servicePath=/redir&port=${port}&httpsOnly=true&httpsRedirectCode=308`,
    );
    await eventually(async () => {
      const r = await http(`${proxy.httpUrl}/redir/x`, { headers: { Host: 'shop.example.com' } });
      expect(r.status).toBe(308);
      expect(r.headers.location).toBe('https://shop.example.com/redir/x');
    });
    await reconfigure(`serviceName=redir&servicePath=/redir&port=${port}&redirectWhenHttpProto=true`);
    await eventually(async () => {
      const r = await http(`${proxy.httpUrl}/redir/x`, {
        headers: { Host: 'shop.example.com', 'X-Forwarded-Proto': 'http' },
      });
      expect(r.status).toBeGreaterThanOrEqual(301);
      expect(r.status).toBeLessThan(309);
      expect(r.headers.location).toMatch(/^https:\/\/shop\.example\.com/);
    });
    await answers('/redir/x', 'b', { headers: { 'X-Forwarded-Proto': 'https' } });
  });

  it('redirectFromDomain sends the old domain to the first serviceDomain', async () => {
    await reconfigure(
      `serviceName=fromdom&serviceDomain=new.example.com&redirectFromDomain=old.example.com&port=${port}`,
    );
    await eventually(async () => {
      const r = await http(`${proxy.httpUrl}/page`, { headers: { Host: 'old.example.com' } });
      expect(r.status).toBe(301);
      expect(r.headers.location).toBe('http://new.example.com/page');
    });
    await answers('/page', 'h', { headers: { Host: 'new.example.com' } });
  });

  it('sessionType=sticky-server sets a cookie; timeouts, connectionMode and checkTcp render and serve', async () => {
    await reconfigure(`serviceName=sticky&servicePath=/sticky&port=${port}&sessionType=sticky-server`);
    await eventually(async () => {
      const r = await http(`${proxy.httpUrl}/sticky/`);
      expect(r.status).toBe(200);
      expect(String(r.headers['set-cookie'])).toMatch(/^sticky=/);
    });
    await reconfigure(
      `serviceName=tmo&servicePath=/tmo&port=${port}&timeoutServer=7&timeoutTunnel=70&connectionMode=http-server-close`,
    );
    await reconfigure(`serviceName=chk&servicePath=/chk&port=${port}&checkTcp=true`);
    const cfg = (await api(proxy.apiUrl, 'config')).body;
    expect(cfg).toMatch(/timeout server 7s/);
    expect(cfg).toMatch(/timeout tunnel 70s/);
    expect(cfg).toMatch(/option http-server-close/);
    await answers('/tmo/', 'e');
    await answers('/chk/', 'g');
  });

  it('compressionAlgo/compressionType compress responses', async () => {
    await reconfigure(
      `serviceName=cmp&servicePath=/cmp&port=${port}&compressionAlgo=gzip&compressionType=text/plain`,
    );
    await eventually(async () => {
      const r = await http(`${proxy.httpUrl}/cmp/${'x'.repeat(300)}`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('gzip');
    });
  });

  it('isDefaultBackend catches what nothing else matches', async () => {
    await reconfigure('serviceName=root&replicas=0'); // replicas=0 removes (upstream #49)
    expect((await api(proxy.apiUrl, 'config?type=json')).json.services).not.toHaveProperty('root');
    await reconfigure(`serviceName=def&servicePath=/def&port=${port}&isDefaultBackend=true`);
    await answers('/nothing/matches/this', 'd');
  });

  it('http srcPort routes on an extra bind (BIND_PORTS)', async () => {
    await reconfigure(`serviceName=uadef&servicePath=/onport&srcPort=${srcPort}&port=${port}`);
    await eventually(async () => {
      const r = await http(`http://127.0.0.1:${srcPort}/onport/x`);
      expect(`${r.status} ${String(r.headers['x-backend'])}`).toBe('200 a');
    });
  });
});

describe('discovery', () => {
  it('server-template on tasks.<service>: a new task is used without a reload', async () => {
    await reconfigure(`serviceName=scale&servicePath=/scale&port=${port}`);
    expect(await status('/scale/')).toBe(503); // no record yet: the config is still valid
    const reloads = (await promMetrics(proxy.apiUrl)).body.match(
      /^flowproxy_reloads_total\{outcome="ok"\} ([0-9]+)/m,
    )?.[1];
    records['tasks.scale'] = [ip('a')];
    dns.set(records);
    await answers('/scale/', 'a');
    records['tasks.scale'] = [ip('a'), ip('b')];
    dns.set(records);
    await eventually(
      async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 6; i++)
          seen.add(String((await http(`${proxy.httpUrl}/scale/`)).headers['x-backend']));
        expect([...seen].sort()).toEqual(['a', 'b']);
      },
      { timeoutMs: 6000 },
    );
    expect(
      (await promMetrics(proxy.apiUrl)).body.match(/^flowproxy_reloads_total\{outcome="ok"\} ([0-9]+)/m)?.[1],
    ).toBe(reloads);
  });

  it('discoveryType=Overlay uses the service name, outboundHostname a fixed host', async () => {
    await reconfigure(`serviceName=overlay&servicePath=/overlay&port=${port}&discoveryType=Overlay`);
    await answers('/overlay/', 'b');
    await reconfigure(`serviceName=outside&servicePath=/outside&port=${port}&outboundHostname=${ip('h')}`);
    await answers('/outside/', 'h');
  });
});

describe('proxyInstanceName filtering', () => {
  it('configures only services addressed to this instance, acknowledging the others', async () => {
    const mine = await api(
      filtered.apiUrl,
      `reconfigure?serviceName=instance&servicePath=/mine&port=${port}&proxyInstanceName=edge`,
    );
    expect(mine.status).toBe(200);
    const other = await api(
      filtered.apiUrl,
      `reconfigure?serviceName=idx&servicePath=/theirs&port=${port}&proxyInstanceName=internal`,
    );
    expect(other.status).toBe(200);
    expect(String(other.json.Message)).toMatch(/ignored/);
    const services = (await api(filtered.apiUrl, 'config?type=json')).json.services as object;
    expect(Object.keys(services)).toEqual(['instance']);
    await eventually(async () =>
      expect((await http(`${filtered.httpUrl}/mine/`)).headers['x-backend']).toBe('a'),
    );
    expect((await http(`${filtered.httpUrl}/theirs/`)).status).toBe(503);
  });
});
