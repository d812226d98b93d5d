import { HEADER_CONVERTERS, HEADER_FETCHES } from './grammar.js';
import {
  PARAMS,
  MAX_INDEX,
  MAX_NAME_LENGTH,
  MAX_PARAMS,
  MAX_REQUEST_CHARS,
  type ParamDef,
} from './params.js';

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

const n = (x: number): string => x.toLocaleString('en-US');
const limit = (d: ParamDef): string =>
  d.limit.item !== undefined ? `${n(d.limit.value)} (each item ${n(d.limit.item)})` : n(d.limit.value);
const list = (xs: readonly string[]): string => xs.map((x) => '`' + x + '`').join(', ');

function table(rows: readonly ParamDef[]): string {
  const head =
    '| Label / parameter | Allowed | Max length | Default | Modes | Supported | Meaning | Accepted example | Rejected example |\n' +
    '|---|---|---|---|---|---|---|---|---|\n';
  return (
    head +
    rows
      .map(
        (d) =>
          `| \`com.df.${d.name}\`${d.scope === 'destination' ? `<br>\`.1\`–\`.${MAX_INDEX}\`` : ''} | ${cell(d.allowed)} | ${limit(d)} | ${d.default ? cell(d.default) : '—'} | ${d.modes.join(', ')} | ${support(d)} | ${cell(d.doc)} | ${code(d.examples.ok)} | ${code(d.examples.fail)} |`,
      )
      .join('\n') +
    '\n'
  );
}

/** docs/LABELS.md, generated from PARAMS (`npm run docs`); a test fails when the committed file is stale. */
export function labelsMarkdown(): string {
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
them. The API and the periodic resync from the listener use the same parse, so every rule below
holds for labels, query strings, request bodies and \`get-services\` answers alike.

## Length limits

Every parameter has a maximum length (column *Max length*: characters of the whole value, and of
each item of a list), and a whole request may carry at most ${n(MAX_PARAMS)} parameters and
${n(MAX_REQUEST_CHARS)} characters of names and values; a parameter name is at most ${MAX_NAME_LENGTH}
characters. A longer value is refused with 400 \`PARAM_TOO_LONG\` (\`REQUEST_TOO_LARGE\` for the
request) naming the parameter and the limit. Why: HAProxy reads map files in chunks of 16,383
characters, so an over-long path would become two map keys and its tail could take another
service's route; every limit keeps a value (and a map key built from a domain and a path) far below
that. A path of 1,024 characters is well beyond what browsers and servers use in practice, header
items of 4,096 match common server limits for one header line, and the 64 KiB request leaves room
for a certificate chain in \`serviceCert\` (32 KiB) while bounding what one notification can cost.

## Unknown parameter names

Upstream ignored names it did not know, and companions rely on it (for example the Let's Encrypt
companion's \`com.df.letsencrypt.*\` labels). So an unknown name is accepted, and the proxy reports it
as a warning for that service: a log line, the service's \`warnings\` in \`config?type=json\`, and the
metric \`flowproxy_unknown_params{param}\` (how many services carry the name). But a typo must never silently drop protection: a
name that looks like a misspelling of a known parameter (the did-you-mean finds one, for example
\`usrs\` or \`httpsOnyl\`) is refused with 400 \`PARAM_UNKNOWN\` and the suggestion, so
\`com.df.usrs\` cannot expose a service without its authentication. With env
\`UNKNOWN_PARAMS=strict\` every unknown name is refused. Names starting with \`alert\`, \`scrape\`
(Docker Flow Monitor) or \`letsencrypt\` are accepted and ignored without a warning.

## Header values and quoting

\`addReqHeader\`, \`setReqHeader\`, \`addResHeader\` and \`setResHeader\` items are \`Name value\` (or
\`Name: value\`). The value is data: it is written single-quoted, so no HAProxy syntax in it is
interpreted except the sample expressions below.

- **Quotes.** One pair of double or single quotes enclosing the whole value is removed, as
  upstream's HAProxy line removed them: \`Strict-Transport-Security "max-age=16000000; includeSubDomains; preload;"\`
  sends \`max-age=16000000; includeSubDomains; preload;\`. Any other quote character, a backslash or a
  backtick in a value is refused (its meaning would differ from upstream's).
- **Spaces** inside the value are kept (\`X-Greeting hello world\` sends \`hello world\`).
- **\`%\`** starts an HAProxy expression. \`%[fetch]\` is evaluated per request, but only these fetches
  are allowed, because a label writer must not read the proxy's environment, files, variables or
  other services' data (\`%[env(STATS_PASS)]\`, \`var()\`, \`lua.*\`, tables, maps are refused):
  request headers ${list(HEADER_FETCHES.request)}; response headers ${list(HEADER_FETCHES.response)}
  (\`<name>\` is an HTTP header name). After a fetch only the converters ${list(HEADER_CONVERTERS)}
  may follow (\`%[req.hdr(host),lower]\`). A literal \`%\` is written \`%%\` (\`X-Ratio 50%%\` sends \`50%\`);
  a single \`%\` anywhere else is refused with 400 rather than failing later in \`haproxy -c\`.

## Path rewrites

\`reqPathSearchReplace=search,replace\` (pairs separated by \`:\`) and the deprecated
\`reqPathSearch\`/\`reqPathReplace\` become \`http-request set-path %[path,regsub(search,replace)]\`.
The replacement may be empty: \`reqPathSearchReplace=/something,\` and \`reqPathSearch=/something&reqPathReplace=\`
strip the matched part, as upstream.

Status codes: missing \`serviceName\` 400; http destination with neither path nor domain 409;
tcp without \`srcPort\`/\`port\` 400; any invalid value 400 naming the parameter.

## Service parameters

${table(by('service'))}
## Per-destination parameters (indexable)

${table(by('destination'))}
## Read by the listener only

${table(by('listener'))}`;
}
