import { renderEnvTable } from '@flowproxy/runtime';
import { LISTENER_ENV } from './env.js';

export const START = '<!-- listener:start -->';
export const END = '<!-- listener:end -->';

/** The listener's part of docs/CONFIG.md, generated from the env table. */
export function renderListenerSection(): string {
  return `${START}
<!-- Generated from apps/swarm-listener/src/env.ts by \`npm run docs\`. Do not edit by hand. -->
## Swarm listener

Every variable can also come from the Docker secret \`/run/secrets/dfp_<lowercase name>\`, which wins
over the environment (\`SECRETS_DIR\` moves the directory). A bad value stops start-up with a message
naming the variable.

${renderEnvTable(LISTENER_ENV)}${END}`;
}

/** Replaces the section between the markers, or appends it (with the markers) when they are missing. */
export function replaceSection(doc: string, section: string): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) return doc.slice(0, a) + section + doc.slice(b + END.length);
  const base = doc.length === 0 ? '# Configuration\n' : doc;
  return `${base.replace(/\n*$/, '\n')}\n${section}\n`;
}
