import { envTableMarkdown, errorTableMarkdown, replaceMarkedSection } from '@flowproxy/runtime';
import { LISTENER_ENV } from './env.js';
import { LISTENER_ERRORS } from './errors/catalogue.js';

export const START = '<!-- listener:start -->';
export const END = '<!-- listener:end -->';

/** The listener's part of docs/CONFIG.md, generated from the env table. */
export function listenerConfigMarkdown(): string {
  return `${START}
<!-- Generated from apps/swarm-listener/src/env.ts by \`npm run docs\`. Do not edit by hand. -->
## Swarm listener

Every variable can also come from the Docker secret \`/run/secrets/dfp_<lowercase name>\`, which wins
over the environment (\`SECRETS_DIR\` moves the directory). A bad value stops start-up with a message
naming the variable.

${envTableMarkdown(LISTENER_ENV)}${END}`;
}

/** Replaces this app's section of docs/CONFIG.md, or appends it (with the markers) when they are missing. */
export function replaceSection(doc: string, section: string): string {
  return replaceMarkedSection(doc, START, END, section);
}

export const ERRORS_START = '<!-- listener-errors:start -->';
export const ERRORS_END = '<!-- listener-errors:end -->';

/** The listener's part of docs/ERRORS.md, generated from the error catalogue. */
export function listenerErrorsMarkdown(): string {
  return `${ERRORS_START}
<!-- Generated from apps/swarm-listener/src/errors/catalogue.ts by \`npm run docs\`. Do not edit by hand. -->
## Swarm listener (\`/v1/docker-flow-swarm-listener/*\`)

${errorTableMarkdown(LISTENER_ERRORS)}${ERRORS_END}`;
}
