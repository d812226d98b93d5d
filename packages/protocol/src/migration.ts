import { PARAMS, type ParamDef } from './params.js';

export const MIGRATING_LABELS_START = '<!-- migrating-labels:start -->';
export const MIGRATING_LABELS_END = '<!-- migrating-labels:end -->';

/**
 * Upstream parameters that behave differently here on purpose, and why. Everything else marked
 * supported behaves as upstream documents it; a name missing from PARAMS would be an unknown
 * parameter (accepted with a warning), so every upstream name is listed in PARAMS.
 */
export const LABEL_DIFFERENCES: Readonly<Record<string, string>> = {
  serviceDomainAlgo:
    'default `hdr(host)` (env SERVICE_DOMAIN_ALGO) instead of `hdr_beg(host)`, which also matched example.com.evil.net and cannot use a map',
  backendExtra: 'raw HAProxy text: refused unless the operator sets ALLOW_RAW_CONFIG=true',
  checkResolvers:
    'every server already resolves at run time through the `resolvers` section; accepted, no effect',
  sessionType: 'sticky-server uses HAProxy dynamic cookies, so it works with DNS discovery (server-template)',
  serviceGroup:
    'the group members are `server-template`s that follow the tasks at run time (upstream resolved the addresses when it wrote the config)',
  compressionAlgo: "written in the service's backend (upstream: in the shared frontend, before its ACLs)",
  compressionType: "written in the service's backend (upstream: in the shared frontend, before its ACLs)",
  users: "a service's own users replace the global USERS for it (upstream's docs; its code required both)",
};

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function status(d: ParamDef): string {
  switch (d.support.kind) {
    case 'yes':
      return LABEL_DIFFERENCES[d.name] ? `different: ${LABEL_DIFFERENCES[d.name]}` : 'same';
    case 'raw':
      return `gated: ${LABEL_DIFFERENCES[d.name] ?? 'only with ALLOW_RAW_CONFIG=true'}`;
    case 'alias':
      return `same (deprecated upstream too): ${d.support.note}`;
    case 'no':
      return `**not supported**: ${d.support.reason}`;
  }
}

/** The labels part of docs/MIGRATING.md, from the same PARAMS table as docs/LABELS.md. */
export function migratingLabelsMarkdown(): string {
  const rows = PARAMS.map(
    (d) => `| \`com.df.${d.name}\`${d.scope === 'destination' ? ' (`.N`)' : ''} | ${cell(status(d))} |`,
  );
  return `${MIGRATING_LABELS_START}
<!-- Generated from packages/protocol/src/params.ts and migration.ts by \`npm run docs\`. Do not edit by hand. -->
### Labels and reconfigure parameters

| Upstream label / parameter | Status here |
|---|---|
${rows.join('\n')}
${MIGRATING_LABELS_END}`;
}
