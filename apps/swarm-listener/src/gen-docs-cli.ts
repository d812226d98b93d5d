import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMarkedSection } from '@flowproxy/runtime';
import {
  END,
  ERRORS_END,
  ERRORS_START,
  listenerErrorsMarkdown,
  listenerConfigMarkdown,
  START,
} from './docs.js';
import { MIGRATING_LISTENER_END, MIGRATING_LISTENER_START, migratingListenerMarkdown } from './migration.js';

// Run by `npm run docs`: rewrites only the listener's parts of docs/CONFIG.md, docs/ERRORS.md and
// docs/MIGRATING.md.
const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');
const sections: [string, string, string, string][] = [
  ['CONFIG.md', START, END, listenerConfigMarkdown()],
  ['ERRORS.md', ERRORS_START, ERRORS_END, listenerErrorsMarkdown()],
  ['MIGRATING.md', MIGRATING_LISTENER_START, MIGRATING_LISTENER_END, migratingListenerMarkdown()],
];
for (const [file, start, end, text] of sections) {
  const changed = writeMarkedSection(join(docs, file), start, end, text);
  console.log(`docs/${file} (listener section) ${changed ? 'written' : 'up to date'}`);
}
