import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATING_LABELS_END, MIGRATING_LABELS_START, renderMigratingLabels } from '@flowproxy/protocol';
import { writeMarkedSection } from '@flowproxy/runtime';
import {
  END,
  ERRORS_END,
  ERRORS_START,
  renderProxyErrorsSection,
  renderProxySection,
  START,
} from './docs.js';
import { MIGRATING_PROXY_END, MIGRATING_PROXY_START, renderMigratingProxy } from './migration.js';

// Run by `npm run docs`: rewrites only the proxy's parts of docs/CONFIG.md, docs/ERRORS.md and
// docs/MIGRATING.md (the labels part of MIGRATING.md too: the protocol package writes no shared doc itself).
const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
const sections: [string, string, string, string, string][] = [
  ['CONFIG.md', 'proxy', START, END, renderProxySection()],
  ['ERRORS.md', 'proxy', ERRORS_START, ERRORS_END, renderProxyErrorsSection()],
  ['MIGRATING.md', 'labels', MIGRATING_LABELS_START, MIGRATING_LABELS_END, renderMigratingLabels()],
  ['MIGRATING.md', 'proxy', MIGRATING_PROXY_START, MIGRATING_PROXY_END, renderMigratingProxy()],
];
for (const [file, part, start, end, text] of sections) {
  const changed = writeMarkedSection(join(docs, file), start, end, text);
  console.log(`docs/${file} (${part} section) ${changed ? 'written' : 'up to date'}`);
}
