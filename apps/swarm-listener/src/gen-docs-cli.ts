import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderListenerSection, replaceSection } from './docs.js';

// Run by `npm run docs`: rewrites only the listener's part of docs/CONFIG.md.
const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'CONFIG.md');
const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
const after = replaceSection(before, renderListenerSection());
if (after !== before) writeFileSync(file, after);
console.log(
  after !== before
    ? 'wrote docs/CONFIG.md (listener section)'
    : 'docs/CONFIG.md (listener section) up to date',
);
