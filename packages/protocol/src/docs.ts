import { PARAMS, MAX_INDEX, type ParamDef } from './params.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, '\\n');
const code = (s: string | null): string => (s === null ? '—' : s === '' ? '(empty)' : '`' + cell(s) + '`');

function support(d: ParamDef): string {
  switch (d.support.kind) {
    case 'yes':
      return 'yes';
    case 'raw':
      return 'only with ALLOW_RAW_CONFIG=true';
    case 'alias':
      return `deprecated alias of \`${d.support.of}\``;
    case 'no':
      return `**rejected**: ${d.support.reason}`;
  }
}

function table(rows: readonly ParamDef[]): string {
  const head =
    '| Label / parameter | Allowed | Default | Modes | Supported | Meaning | Accepted example | Rejected example |\n' +
    '|---|---|---|---|---|---|---|---|\n';
  return (
    head +
    rows
      .map(
        (d) =>
          `| \`com.df.${d.name}\`${d.scope === 'destination' ? `<br>\`.1\`–\`.${MAX_INDEX}\`` : ''} | ${cell(d.allowed)} | ${d.default ? cell(d.default) : '—'} | ${d.modes.join(', ')} | ${support(d)} | ${cell(d.doc)} | ${code(d.examples.ok)} | ${code(d.examples.fail)} |`,
      )
      .join('\n') +
    '\n'
  );
}

/** docs/LABELS.md, generated from PARAMS (`npm run docs`); a test fails when the committed file is stale. */
export function renderLabelsMarkdown(): string {
  const by = (s: ParamDef['scope']): ParamDef[] => PARAMS.filter((d) => d.scope === s);
  return `<!-- Generated from packages/protocol/src/params.ts by \`npm run docs\`. Do not edit by hand. -->
# Labels and reconfigure parameters

Every service label \`com.df.<name>\` becomes the reconfigure query parameter \`<name>\`, byte for byte.
Per-destination parameters can also be given as \`com.df.<name>.<N>\` (N = 1 to ${MAX_INDEX}); an indexed
value falls back to the un-indexed one, so un-indexed labels act as defaults for every destination.
A destination N exists when one of \`servicePath.N\`, \`port.N\`, \`serviceDomain.N\` or \`httpsPort.N\` is
given; indexes start at 1 and have no gaps.

Lists are separated by \`,\` (env \`SEPARATOR\` changes it); \`reqPathSearchReplace\` pairs by \`:\`.
Values are validated: line breaks and other control characters are refused everywhere, and
characters that could end or split an HAProxy token are refused where the grammar does not allow
them. Unknown names are refused with a "did you mean"; names starting with \`alert\` or \`scrape\`
(Docker Flow Monitor) are accepted and ignored.

Status codes: missing \`serviceName\` 400; http destination with neither path nor domain 409;
tcp without \`srcPort\`/\`port\` 400; any invalid value 400 naming the parameter.

## Service parameters

${table(by('service'))}
## Per-destination parameters (indexable)

${table(by('destination'))}
## Read by the listener only

${table(by('listener'))}`;
}
