import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  MIGRATING_LABELS_END,
  MIGRATING_LABELS_START,
  PARAMS,
  migratingLabelsMarkdown,
} from '@flowproxy/protocol';
import {
  MIGRATING_PROXY_END,
  MIGRATING_PROXY_START,
  proxyEnvStatus,
  migratingProxyMarkdown,
  UPSTREAM_PROXY_ENV,
} from '../../src/migration.js';
import { IGNORED_UPSTREAM_ENV } from '../../src/state/env-services.js';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/MIGRATING.md', import.meta.url)), 'utf8');
const section = (start: string, end: string): string =>
  doc.slice(doc.indexOf(start), doc.indexOf(end) + end.length);

describe('docs/MIGRATING.md (labels and proxy sections)', () => {
  it('is generated from PARAMS and the env tables and up to date (run `npm run docs`)', () => {
    expect(section(MIGRATING_LABELS_START, MIGRATING_LABELS_END)).toBe(migratingLabelsMarkdown());
    expect(section(MIGRATING_PROXY_START, MIGRATING_PROXY_END)).toBe(migratingProxyMarkdown());
  });

  it('lists every parameter, and every upstream variable the proxy reports as unused', () => {
    for (const p of PARAMS) expect(migratingLabelsMarkdown()).toContain(`\`com.df.${p.name}\``);
    for (const name of Object.keys(IGNORED_UPSTREAM_ENV))
      expect(UPSTREAM_PROXY_ENV as readonly string[]).toContain(name);
  });

  it('classifies every upstream proxy variable (none silently unknown)', () => {
    for (const name of UPSTREAM_PROXY_ENV) expect(proxyEnvStatus(name)).not.toBe('**not supported**');
    expect(proxyEnvStatus('CA_FILE')).toMatch(/^different: /);
    expect(proxyEnvStatus('TERMINATE_ON_RELOAD')).toMatch(/^not used \(logged at start\): /);
    expect(proxyEnvStatus('LISTENER_ADDRESS')).toBe('same');
  });
});
