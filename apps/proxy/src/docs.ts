import { envTableMarkdown, errorTableMarkdown, replaceMarkedSection } from '@flowproxy/runtime';
import { PROXY_ENV } from './env.js';
import { PROXY_ERRORS } from './errors/catalogue.js';

export const START = '<!-- proxy:start -->';
export const END = '<!-- proxy:end -->';

/** The proxy's part of docs/CONFIG.md, generated from the env table. */
export function proxyConfigMarkdown(): string {
  return `${START}
<!-- Generated from apps/proxy/src/env.ts by \`npm run docs\`. Do not edit by hand. -->
## Proxy

Names and defaults follow upstream's Dockerfile where upstream has the variable. Every variable
except \`SECRETS_DIR\` can also come from the Docker secret \`<SECRETS_DIR>/dfp_<lowercase name>\`; the
secret wins over the environment, as upstream's \`getSecretOrEnvVar\` (upstream routes only some
variables through it; here all of them do). \`STATS_USER_ENV\`/\`STATS_PASS_ENV\`/\`STATS_URI_ENV\` name
another variable (and secret) to read the stats settings from. A bad value stops start-up with a
message naming the variable. Differences from upstream: \`REPEAT_RELOAD\` defaults to \`true\` (the
periodic resync heals lost notifications and reloads only when something changed), \`CERTS\` lists
extra certificate files, and \`CHECK_RESOLVERS\`/\`DO_NOT_RESOLVE_ADDR\` are not needed: every server
resolves through the \`resolvers\` section with \`INIT_ADDR\`, so an unresolvable name never breaks the
configuration. Other upstream variables that are not used here (\`TERMINATE_ON_RELOAD\`,
\`CFG_TEMPLATE_PATH\`, ...) are reported in the log at start with the reason.

Services can also be defined by variables, as upstream: \`DFP_SERVICE_<FIELD>\` for one service and
\`DFP_SERVICE_<n>_<FIELD>\` (n = 1, 2, ... up to the first without \`SERVICE_NAME\`) for more, where
\`<FIELD>\` is a parameter in UPPER_SNAKE case and a trailing \`_<j>\` indexes a destination
(\`DFP_SERVICE_1_PORT_2\` is \`port.2\`). They are applied at start, validated like any request,
and kept by the listener resync.

${envTableMarkdown(PROXY_ENV)}${END}`;
}

/** Replaces this app's section of docs/CONFIG.md, or appends it (with the markers) when they are missing. */
export function replaceSection(doc: string, section: string): string {
  return replaceMarkedSection(doc, START, END, section);
}

export const ERRORS_START = '<!-- proxy-errors:start -->';
export const ERRORS_END = '<!-- proxy-errors:end -->';

/** The proxy's part of docs/ERRORS.md, generated from the error catalogue. */
export function proxyErrorsMarkdown(): string {
  return `${ERRORS_START}
<!-- Generated from apps/proxy/src/errors/catalogue.ts by \`npm run docs\`. Do not edit by hand. -->
## Proxy (\`/v1/docker-flow-proxy/*\`)

${errorTableMarkdown(PROXY_ERRORS)}${ERRORS_END}`;
}
