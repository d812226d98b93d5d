import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  END,
  ERRORS_END,
  ERRORS_START,
  renderProxyErrorsSection,
  renderProxySection,
  replaceSection,
  START,
} from '../../../src/docs.js';
import { PROXY_ERRORS } from '../../../src/errors/catalogue.js';

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

describe('docs/ERRORS.md (proxy section)', () => {
  it('is generated from the error catalogue and up to date (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../../docs/ERRORS.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    expect(doc.slice(doc.indexOf(ERRORS_START), doc.indexOf(ERRORS_END) + ERRORS_END.length)).toBe(
      renderProxyErrorsSection(),
    );
    for (const [code, d] of Object.entries(PROXY_ERRORS))
      expect(renderProxyErrorsSection()).toContain(`| \`${code}\` | ${d.status} |`);
  });
});
