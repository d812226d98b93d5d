import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATING_LABELS_END, MIGRATING_LABELS_START, migratingLabelsMarkdown } from '@flowproxy/protocol';
import { writeMarkedSection } from '@flowproxy/runtime';
import { END, ERRORS_END, ERRORS_START, proxyErrorsMarkdown, proxyConfigMarkdown, START } from './docs.js';
import { MIGRATING_PROXY_END, MIGRATING_PROXY_START, migratingProxyMarkdown } from './migration.js';

// Run by `npm run docs`: rewrites only the proxy's parts of docs/CONFIG.md, docs/ERRORS.md and
// docs/MIGRATING.md (the labels part of MIGRATING.md too: the protocol package writes no shared doc itself).
const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
const sections: [string, string, string, string, string][] = [
  ['CONFIG.md', 'proxy', START, END, proxyConfigMarkdown()],
  ['ERRORS.md', 'proxy', ERRORS_START, ERRORS_END, proxyErrorsMarkdown()],
  ['MIGRATING.md', 'labels', MIGRATING_LABELS_START, MIGRATING_LABELS_END, migratingLabelsMarkdown()],
  ['MIGRATING.md', 'proxy', MIGRATING_PROXY_START, MIGRATING_PROXY_END, migratingProxyMarkdown()],
];
for (const [file, part, start, end, text] of sections) {
  const changed = writeMarkedSection(join(docs, file), start, end, text);
  console.log(`docs/${file} (${part} section) ${changed ? 'written' : 'up to date'}`);
}
