/**
 * The typed HAProxy configuration model. buildModel() fills it from the routing state; render()
 * turns it into bytes. Every config line is a Directive made of Words, so a value can never span
 * lines or start a directive of its own: the renderer refuses words that could (see words.ts).
 */

/** A plain word (no whitespace, quotes, `#`, backslash or control characters) or a single-quoted one. */
export type Word = string | { readonly quoted: string };

/** One config line: keyword and arguments. */
export interface Directive {
  readonly words: readonly Word[];
}

/** An operator- or explicitly allowed raw line (EXTRA_GLOBAL, EXTRA_FRONTEND, backendExtra): one line, no control chars. */
export interface RawLine {
  readonly raw: string;
}

export type Line = Directive | RawLine;

export interface UserModel {
  readonly name: string;
  readonly password: string;
  /** crypt(3) hash (`password`) rather than plain text (`insecure-password`). */
  readonly encrypted: boolean;
}

export interface UserlistModel {
  readonly name: string;
  readonly users: readonly UserModel[];
}

export interface BindModel {
  readonly port: number;
  /** Everything after `bind`, e.g. `*:443 ssl crt-list /cfg/crt-list.txt alpn h2,http/1.1`. */
  readonly words: readonly Word[];
}

/** `acl <name> <criterion...>`; several AclModels with the same name are ORed by HAProxy. */
export interface AclModel {
  readonly name: string;
  readonly criterion: readonly Word[];
}

export interface FrontendModel {
  readonly name: string;
  readonly mode: 'http' | 'tcp';
  readonly binds: readonly BindModel[];
  /** Options, timeouts, captures, inspect-delay and extra lines, in this order. */
  readonly settings: readonly Line[];
  readonly acls: readonly AclModel[];
  /** http-request / tcp-request rules, in evaluation order. */
  readonly requestRules: readonly Directive[];
  /** use_backend rules, in evaluation order (first match wins). */
  readonly routes: readonly Directive[];
  readonly defaultBackend?: string;
}

export interface BackendModel {
  readonly name: string;
  readonly mode: 'http' | 'tcp';
  /** balance, cookie, options and timeouts. */
  readonly settings: readonly Line[];
  readonly acls: readonly AclModel[];
  /** http-request rules, in evaluation order. */
  readonly requestRules: readonly Directive[];
  /** http-response rules, in evaluation order. */
  readonly responseRules: readonly Directive[];
  /** server / server-template lines and stats directives. */
  readonly servers: readonly Directive[];
  /** backendExtra, last so it can override what precedes it. */
  readonly extra: readonly Line[];
}

export interface MapEntry {
  readonly key: string;
  readonly backend: string;
}

export interface HaproxyModel {
  readonly global: readonly Line[];
  readonly defaults: readonly Line[];
  readonly resolvers: { readonly name: string; readonly lines: readonly Line[] };
  readonly userlists: readonly UserlistModel[];
  readonly frontends: readonly FrontendModel[];
  readonly backends: readonly BackendModel[];
  /** Map files by file name (written to configDir). */
  readonly maps: Readonly<Record<string, readonly MapEntry[]>>;
  /** crt-list lines (certificate paths), written as crt-list.txt; undefined when there are no certificates. */
  readonly crtList?: readonly string[];
  /** Other files written next to haproxy.cfg (the client CA when CA_FILE is a PEM), by file name. */
  readonly extraFiles?: Readonly<Record<string, string>>;
  /** Services or values skipped or adjusted while building, for the runtime to log. */
  readonly warnings: readonly string[];
  /** Services left out, typed: who, which parameter, why (their `warnings` line says the same). */
  readonly rejections: readonly ServiceRejection[];
}

export const isRaw = (line: Line): line is RawLine => 'raw' in line;

/**
 * A service that is not configured and why. `source` says who refused it: the renderer's own
 * checks (`validation`: an unsafe value, a name another service uses) or `haproxy -c`
 * (`haproxy-check`, found by the reload pipeline).
 */
export interface ServiceRejection {
  readonly serviceName: string;
  /** The parameter at fault, when known (`servicePath`, `aclName`, `port.1`, ...). */
  readonly parameter?: string;
  readonly reason: string;
  readonly source: 'validation' | 'haproxy-check';
}
