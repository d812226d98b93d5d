import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { END, renderProxySection, replaceSection, START } from '../../../src/docs.js';

describe('docs/CONFIG.md (proxy section)', () => {
  it('is generated from the env table and up to date (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../../docs/CONFIG.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    expect(doc.slice(doc.indexOf(START), doc.indexOf(END) + END.length)).toBe(renderProxySection());
  });

  it('replaces only its own section and appends it when missing', () => {
    const other = '# Configuration\n\n<!-- listener:start -->x<!-- listener:end -->\n';
    const once = replaceSection(other, renderProxySection());
    expect(once.startsWith(other)).toBe(true);
    expect(replaceSection(once, renderProxySection())).toBe(once);
    expect(renderProxySection()).toContain('| `USERS` | — | `dfp_users` |');
  });
});
