import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  listenerEnvStatus,
  MIGRATING_LISTENER_END,
  MIGRATING_LISTENER_START,
  migratingListenerMarkdown,
  UPSTREAM_LISTENER_ENV,
} from '../../src/migration.js';

describe('docs/MIGRATING.md (listener section)', () => {
  it('is generated from the env table and up to date (run `npm run docs`)', () => {
    const doc = readFileSync(
      fileURLToPath(new URL('../../../../docs/MIGRATING.md', import.meta.url)),
      'utf8',
    );
    const start = doc.indexOf(MIGRATING_LISTENER_START);
    const end = doc.indexOf(MIGRATING_LISTENER_END) + MIGRATING_LISTENER_END.length;
    expect(doc.slice(start, end)).toBe(migratingListenerMarkdown());
  });

  it('every upstream listener variable is read here except the one upstream removed itself', () => {
    const unsupported = UPSTREAM_LISTENER_ENV.filter((n) => listenerEnvStatus(n).includes('not supported'));
    expect(unsupported).toEqual(['DF_INTERVAL']);
  });
});
