/**
 * Value grammars shared by every parameter. A grammar checks one item (a list is split first) and
 * returns the parsed value, so a value is read once: the parse that validates it is the parse that
 * builds the spec. They are deliberately strict about characters that could end or split an
 * HAProxy token (whitespace, quotes, `#`, control characters): upstream wrote label values into
 * haproxy.cfg verbatim, so a newline in a label injected directives (anchor-behaviour.md, "Where
 * upstream is wrong").
 */

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };
export type Grammar<T> = (item: string) => Checked<T>;

export const accept = <T>(value: T): Checked<T> => ({ ok: true, value });
export const refuse = (error: string): Checked<never> => ({ ok: false, error });

export interface HeaderOp {
  readonly name: string;
  readonly value: string;
}

export interface SearchReplace {
  readonly search: string;
  readonly replace: string;
}

export interface UserEntry {
  readonly user: string;
  /** Undefined when the password must come from usersSecret or the global USERS. */
  readonly password?: string;
}

// Control characters (C0, DEL and C1) are never valid in any value.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlChar(value: string): boolean {
  return CONTROL.test(value);
}

const TOKEN_FORBIDDEN = /[\s'"#\\`]/;

/** A single HAProxy word: printable, no whitespace, quotes, backslash or `#`. */
export const token: Grammar<string> = (v) =>
  v.length === 0
    ? refuse('must not be empty')
    : TOKEN_FORBIDDEN.test(v)
      ? refuse('must not contain whitespace, quotes, backslash, backtick or #')
      : accept(v);

export function regexGrammar(what: string): Grammar<string> {
  return (v) => {
    if (v.length === 0) return refuse('must not be empty');
    if (/[\s'"#`]/.test(v)) return refuse(`${what} must not contain whitespace, quotes, backtick or #`);
    try {
      new RegExp(v);
    } catch (e) {
      return refuse(`${what} is not a valid regular expression (${(e as Error).message})`);
    }
    return accept(v);
  };
}

/** A path replacement: may be empty (strips what the search matched, as upstream). */
export const replacement: Grammar<string> = (v) =>
  /[\s'"#`,]/.test(v)
    ? refuse('replacement must not contain whitespace, quotes, backtick, comma or #')
    : accept(v);

export function pattern(re: RegExp, allowed: string): Grammar<string> {
  return (v) => (re.test(v) ? accept(v) : refuse(`must be ${allowed}`));
}

/** One of a fixed list; the canonical spelling is returned (case-insensitive lists accept any case). */
export function oneOf<const T extends string>(values: readonly T[], caseInsensitive = false): Grammar<T> {
  return (v) => {
    const probe = caseInsensitive ? v.toLowerCase() : v;
    const found = values.find((x) => (caseInsensitive ? x.toLowerCase() : x) === probe);
    return found !== undefined ? accept(found) : refuse(`must be one of: ${values.join(', ')}`);
  };
}

export function intRange(min: number, max: number): Grammar<number> {
  return (v) => {
    const n = Number(v);
    return /^[0-9]+$/.test(v) && n >= min && n <= max
      ? accept(n)
      : refuse(`must be a whole number from ${min} to ${max}`);
  };
}

/** `true` or `false`, any case (upstream's strconv.ParseBool accepted both spellings used in labels). */
export const bool: Grammar<boolean> = (v) => {
  const l = v.toLowerCase();
  return l === 'true' ? accept(true) : l === 'false' ? accept(false) : refuse('must be one of: true, false');
};
export const port: Grammar<number> = intRange(1, 65535);
export const seconds: Grammar<number> = intRange(0, 2147483);

export const serviceName = pattern(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
  'a Docker service name: letters, digits, _, . and -, starting with a letter or digit, at most 63 characters',
);
export const identifier = pattern(
  /^[A-Za-z0-9_.-]{1,64}$/,
  'letters, digits, _, . and - (1 to 64 characters)',
);
export const hostname = pattern(
  /^[A-Za-z0-9_]([A-Za-z0-9_-]*)(\.[A-Za-z0-9_-]+)*\.?$/,
  'a host name or IPv4 address (letters, digits, _, - and dots)',
);
export const domain = pattern(
  /^\*?\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?(:[0-9]{1,5})?$/,
  'a domain name, optionally prefixed with * as a wildcard (for example *.example.com) and suffixed with :port',
);
export const httpToken = pattern(
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
  'an HTTP token (letters, digits and !#$%&*+.^_|~-)',
);
/** An HTTP method, returned upper-case as HAProxy's `method` ACL compares it. */
export const method: Grammar<string> = (v) =>
  /^[A-Za-z]+$/.test(v) ? accept(v.toUpperCase()) : refuse('must be an HTTP method name such as GET or POST');
export const mimeTypes = pattern(
  /^[A-Za-z0-9.+/*-]+( [A-Za-z0-9.+/*-]+)*$/,
  'one or more MIME types separated by single spaces (for example text/html text/plain)',
);

/**
 * Sample fetches a header value may use in `%[...]`, by direction. Only fetches that read the
 * request or response being processed (or its connection): no `env()`, `var()`, `lua.*`, tables,
 * files or converters that read state, so a label can never make HAProxy send the proxy's
 * environment (STATS_PASS, USERS) or another service's data to a client. `hdr(...)` reads the
 * request's headers in request rules and the response's in response rules, as HAProxy does.
 */
const CONNECTION_FETCHES = [
  'src',
  'src_port',
  'dst',
  'dst_port',
  'ssl_fc',
  'ssl_fc_sni',
  'unique-id',
] as const;
export const HEADER_FETCHES = {
  request: [
    ...CONNECTION_FETCHES,
    'path',
    'base',
    'url',
    'query',
    'method',
    'req.ver',
    'hdr(<name>)',
    'req.hdr(<name>)',
    'req.fhdr(<name>)',
  ],
  response: [
    ...CONNECTION_FETCHES,
    'status',
    'res.ver',
    'hdr(<name>)',
    'res.hdr(<name>)',
    'res.fhdr(<name>)',
  ],
} as const;
/** Converters allowed after a fetch (`%[req.hdr(host),lower]`): pure string functions only. */
export const HEADER_CONVERTERS = ['lower', 'upper', 'base64', 'hex'] as const;
export type HeaderDirection = keyof typeof HEADER_FETCHES;

function checkFetch(expr: string, direction: HeaderDirection): string | undefined {
  const [fetch = '', ...converters] = expr.split(',');
  const allowed: readonly string[] = HEADER_FETCHES[direction];
  const m = /^([a-z.-]+)\(([!#$%&*+.^_|~0-9A-Za-z-]+)\)$/.exec(fetch);
  const ok = m ? allowed.includes(`${m[1] ?? ''}(<name>)`) : allowed.includes(fetch);
  if (!ok)
    return `may only use these sample fetches in %[...] (${direction} headers): ${allowed.join(', ')}; %[${expr}] is refused`;
  const bad = converters.find((c) => !(HEADER_CONVERTERS as readonly string[]).includes(c));
  if (bad !== undefined)
    return `may only use the converters ${HEADER_CONVERTERS.join(', ')} in %[...]; ${bad} is refused`;
  return undefined;
}

/**
 * HAProxy reads a header value as a log-format string: `%[fetch]` is evaluated, `%%` is a literal
 * `%`, and any other `%` makes the whole configuration invalid. So `%` must start an allowed fetch
 * or be doubled.
 */
function checkLogFormat(value: string, direction: HeaderDirection): string | undefined {
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') continue;
    if (value[i + 1] === '%') {
      i += 1;
      continue;
    }
    if (value[i + 1] !== '[')
      return 'must write a literal % as %% (a single % starts an HAProxy expression such as %[src])';
    const end = value.indexOf(']', i);
    if (end < 0)
      return 'has a %[ without its closing ] (a comma separates list items: with converters set SEPARATOR to another character)';
    const err = checkFetch(value.slice(i + 2, end), direction);
    if (err) return err;
    i = end;
  }
  return undefined;
}

/**
 * Upstream wrote `Name value` into haproxy.cfg as is, so HAProxy's tokenizer removed quotes that
 * enclose the value (`Strict-Transport-Security "max-age=1; preload"` is sent without them). The
 * same value form gives the same header here: one pair of enclosing double or single quotes is
 * removed; any other quote character is refused, since its meaning would differ from upstream's.
 */
function unquote(value: string): string {
  const q = value[0];
  return value.length >= 2 && (q === '"' || q === "'") && value.endsWith(q) ? value.slice(1, -1) : value;
}

/**
 * A header operation item: `Name value` (or `Name: value`). The value may contain spaces and the
 * allowed `%[...]` fetches; it is single-quoted when rendered, so no quote may remain inside it.
 */
export function headerItem(direction: HeaderDirection): Grammar<HeaderOp> {
  return (v) => {
    const m = /^([^\s:]+)(?::?\s+(.*))?$/.exec(v);
    if (!m) return refuse('must be "Header-Name value"');
    const name = m[1] ?? '';
    const nameOk = httpToken(name);
    if (!nameOk.ok) return refuse(`header name ${nameOk.error}`);
    const value = unquote((m[2] ?? '').trim());
    if (/['"\\`]/.test(value))
      return refuse(
        'header value must not contain quotes (other than one pair enclosing the whole value), backslash or backtick',
      );
    const err = checkLogFormat(value, direction);
    return err ? refuse(`header value ${err}`) : accept({ name, value });
  };
}

/** A header name alone (del-header). */
export const headerName: Grammar<string> = (v) => {
  const r = httpToken(v);
  return r.ok ? r : refuse(`header name ${r.error}`);
};

/** `Key:Value` header match used by serviceHeader. */
export const headerMatch: Grammar<HeaderOp> = (v) => {
  const i = v.indexOf(':');
  if (i <= 0) return refuse('must be "Header-Name:value"');
  const name = httpToken(v.slice(0, i));
  if (!name.ok) return refuse(`header name ${name.error}`);
  const value = token(v.slice(i + 1).trim());
  return value.ok ? accept({ name: name.value, value: value.value }) : value;
};

/**
 * The one `user:password` rule, for the `users` parameter, the `dfp_users_*` secrets and env
 * USERS: a user name of letters, digits, `.`, `_`, `@` and `-`; a password without whitespace,
 * quotes, backslash or backtick (it becomes one HAProxy word). `passwordRequired` is false only
 * for the `users` parameter, where a password can come from usersSecret or USERS.
 */
export function userEntry(passwordRequired: boolean): Grammar<UserEntry> {
  return (v) => {
    const i = v.indexOf(':');
    const user = i < 0 ? v : v.slice(0, i);
    if (!/^[A-Za-z0-9._@-]+$/.test(user)) return refuse('user name must be letters, digits, ., _, @ and -');
    if (i < 0) return passwordRequired ? refuse('every entry must be user:password') : accept({ user });
    const password = v.slice(i + 1);
    if (password.length === 0) return refuse('password must not be empty when a colon is given');
    if (/[\s'"\\`]/.test(password))
      return refuse('password must not contain whitespace, quotes, backslash or backtick');
    return accept({ user, password });
  };
}

/**
 * `user:password` entries separated by commas or new lines (env USERS, `dfp_users_*` secrets),
 * every one checked by the same rule as the `users` parameter.
 */
export function parseUserList(text: string, passwordRequired = true): Checked<UserEntry[]> {
  const out: UserEntry[] = [];
  for (const item of text.split(/[\n,]/).map((s) => s.trim())) {
    if (item.length === 0) continue;
    const r = userEntry(passwordRequired)(item);
    if (!r.ok) return refuse(`${item.includes(':') ? item.slice(0, item.indexOf(':')) : item}: ${r.error}`);
    out.push(r.value);
  }
  return accept(out);
}

/** `search,replace` pair of reqPathSearchReplace; the replacement may be empty (strips the match). */
export const searchReplacePair: Grammar<SearchReplace> = (v) => {
  const i = v.indexOf(',');
  if (i <= 0) return refuse('must be "regex,replacement" (pairs separated by :)');
  const search = regexGrammar('search')(v.slice(0, i));
  if (!search.ok) return search;
  const replace = replacement(v.slice(i + 1));
  return replace.ok ? accept({ search: search.value, replace: replace.value }) : replace;
};

/** PEM text; literal `\n` sequences (how a label carries line breaks) become new lines, as upstream. */
export const pem: Grammar<string> = (v) =>
  /-----BEGIN [A-Z ]+-----/.test(v)
    ? accept(v.trim().replace(/\\n/g, '\n'))
    : refuse('must be PEM text (-----BEGIN ...-----)');

/** Free single-line text (userDef, nodeInfo): anything printable. */
export const text: Grammar<string> = (v) => accept(v.trim());

/** A value the listener alone reads (notify): never parsed by the proxy. */
export const anything: Grammar<string> = (v) => accept(v);
