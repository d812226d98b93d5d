/**
 * Value grammars shared by every parameter. Each grammar returns `undefined` for an accepted
 * value or a sentence saying what is allowed. They are deliberately strict about characters
 * that could end or split an HAProxy token (whitespace, quotes, `#`, control characters):
 * upstream wrote label values into haproxy.cfg verbatim, so a newline in a label injected
 * directives (anchor-behaviour.md, "Where upstream is wrong").
 */

export type Grammar = (value: string) => string | undefined;

// Control characters (C0, DEL and C1) are never valid in any value.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlChar(value: string): boolean {
  return CONTROL.test(value);
}

const TOKEN_FORBIDDEN = /[\s'"#\\`]/;

/** A single HAProxy word: printable, no whitespace, quotes, backslash or `#`. */
export const token: Grammar = (v) =>
  v.length === 0
    ? 'must not be empty'
    : TOKEN_FORBIDDEN.test(v)
      ? 'must not contain whitespace, quotes, backslash, backtick or #'
      : undefined;

export function regexGrammar(what: string): Grammar {
  return (v) => {
    if (v.length === 0) return 'must not be empty';
    if (/[\s'"#`]/.test(v)) return `${what} must not contain whitespace, quotes, backtick or #`;
    try {
      new RegExp(v);
    } catch (e) {
      return `${what} is not a valid regular expression (${(e as Error).message})`;
    }
    return undefined;
  };
}

export function pattern(re: RegExp, allowed: string): Grammar {
  return (v) => (re.test(v) ? undefined : `must be ${allowed}`);
}

export function oneOf(values: readonly string[], caseInsensitive = false): Grammar {
  return (v) => {
    const probe = caseInsensitive ? v.toLowerCase() : v;
    const list = caseInsensitive ? values.map((x) => x.toLowerCase()) : values;
    return list.includes(probe) ? undefined : `must be one of: ${values.join(', ')}`;
  };
}

export function intRange(min: number, max: number): Grammar {
  return (v) => {
    if (!/^[0-9]+$/.test(v)) return `must be a whole number from ${min} to ${max}`;
    const n = Number(v);
    return n >= min && n <= max ? undefined : `must be a whole number from ${min} to ${max}`;
  };
}

export const bool: Grammar = oneOf(['true', 'false'], true);
export const port: Grammar = intRange(1, 65535);
export const seconds: Grammar = intRange(0, 2147483);

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
export const method = pattern(/^[A-Za-z]+$/, 'an HTTP method name such as GET or POST');
export const mimeTypes = pattern(
  /^[A-Za-z0-9.+/*-]+( [A-Za-z0-9.+/*-]+)*$/,
  'one or more MIME types separated by single spaces (for example text/html text/plain)',
);

/**
 * A header operation item: `Name value`. The value may contain spaces and HAProxy log-format
 * expressions such as `%[src]`; it is single-quoted when rendered, so a single quote is refused.
 */
export const headerItem: Grammar = (v) => {
  const m = /^([^\s:]+)(?::?\s+(.*))?$/.exec(v);
  if (!m) return 'must be "Header-Name value"';
  const nameErr = httpToken(m[1] ?? '');
  if (nameErr) return `header name ${nameErr}`;
  const value = m[2] ?? '';
  if (/['\\`]/.test(value)) return 'header value must not contain single quotes, backslash or backtick';
  return undefined;
};

/** A header name alone (del-header). */
export const headerName: Grammar = (v) => {
  const err = httpToken(v);
  return err ? `header name ${err}` : undefined;
};

/** `Key:Value` header match used by serviceHeader. */
export const headerMatch: Grammar = (v) => {
  const i = v.indexOf(':');
  if (i <= 0) return 'must be "Header-Name:value"';
  const nameErr = httpToken(v.slice(0, i));
  if (nameErr) return `header name ${nameErr}`;
  return token(v.slice(i + 1).trim());
};

/** `user:password` where the password is optional (it can come from usersSecret or USERS). */
export const userEntry: Grammar = (v) => {
  const i = v.indexOf(':');
  const user = i < 0 ? v : v.slice(0, i);
  if (!/^[A-Za-z0-9._@-]+$/.test(user)) return 'user name must be letters, digits, ., _, @ and -';
  if (i >= 0) {
    const pass = v.slice(i + 1);
    if (pass.length === 0) return 'password must not be empty when a colon is given';
    if (/[\s'"\\`]/.test(pass)) return 'password must not contain whitespace, quotes, backslash or backtick';
  }
  return undefined;
};

/** `search,replace` pair of reqPathSearchReplace; the replacement may be empty. */
export const searchReplacePair: Grammar = (v) => {
  const i = v.indexOf(',');
  if (i <= 0) return 'must be "regex,replacement" (pairs separated by :)';
  const search = v.slice(0, i);
  const replace = v.slice(i + 1);
  const err = regexGrammar('search')(search);
  if (err) return err;
  if (replace.includes(',')) return 'replacement must not contain a comma';
  if (/[\s'"#`]/.test(replace)) return 'replacement must not contain whitespace, quotes, backtick or #';
  return undefined;
};

export const pem: Grammar = (v) =>
  /-----BEGIN [A-Z ]+-----/.test(v) ? undefined : 'must be PEM text (-----BEGIN ...-----)';

/** Free single-line text (userDef, nodeInfo): anything printable. */
export const text: Grammar = () => undefined;
