import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  END,
  ERRORS_END,
  ERRORS_START,
  proxyErrorsMarkdown,
  proxyConfigMarkdown,
  replaceSection,
  START,
} from '../../src/docs.js';
import { PROXY_ERRORS } from '../../src/errors/catalogue.js';

describe('docs/CONFIG.md (proxy section)', () => {
  it('is generated from the env table and up to date (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../docs/CONFIG.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    expect(doc.slice(doc.indexOf(START), doc.indexOf(END) + END.length)).toBe(proxyConfigMarkdown());
  });

  it('replaces only its own section and appends it when missing', () => {
    const other = '# Configuration\n\n<!-- listener:start -->x<!-- listener:end -->\n';
    const once = replaceSection(other, proxyConfigMarkdown());
    expect(once.startsWith(other)).toBe(true);
    expect(replaceSection(once, proxyConfigMarkdown())).toBe(once);
    expect(proxyConfigMarkdown()).toContain('| `USERS` | — | `dfp_users` |');
  });
});

describe('docs/ERRORS.md (proxy section)', () => {
  it('is generated from the error catalogue and up to date (run `npm run docs`)', () => {
    const file = fileURLToPath(new URL('../../../../docs/ERRORS.md', import.meta.url));
    const doc = readFileSync(file, 'utf8');
    expect(doc.slice(doc.indexOf(ERRORS_START), doc.indexOf(ERRORS_END) + ERRORS_END.length)).toBe(
      proxyErrorsMarkdown(),
    );
    for (const [code, d] of Object.entries(PROXY_ERRORS))
      expect(proxyErrorsMarkdown()).toContain(`| \`${code}\` | ${d.status} |`);
  });
});
