import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderProxySection, replaceSection } from './docs.js';

// Run by `npm run docs`: rewrites only the proxy's part of docs/CONFIG.md.
const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'CONFIG.md');
const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
const after = replaceSection(before, renderProxySection());
if (after !== before) writeFileSync(file, after);
console.log(
  after !== before ? 'wrote docs/CONFIG.md (proxy section)' : 'docs/CONFIG.md (proxy section) up to date',
);
