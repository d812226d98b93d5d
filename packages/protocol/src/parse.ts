import { hasControlChar, type HeaderOp, type SearchReplace } from './grammar.js';
import { toEntries, type ParamInput } from './input.js';
import {
  DESTINATION_KEYS,
  FOREIGN_PREFIXES,
  MAX_INDEX,
  MAX_NAME_LENGTH,
  MAX_PARAMS,
  MAX_REQUEST_CHARS,
  PARAMS,
  PARAMS_BY_NAME,
  isParamName,
  type ItemOf,
  type ParamDef,
  type ParamName,
} from './params.js';
import type {
  Destination,
  ParamIssue,
  ParamWarning,
  ParseOptions,
  ParseResult,
  ServiceSpec,
} from './spec.js';
import { didYouMean } from './suggest.js';

const KEY = /^([A-Za-z][A-Za-z0-9]*)(?:\.([0-9]+))?$/;

/** Masks secrets before a value is echoed in an error or a log line. */
export function maskValue(def: ParamDef | undefined, value: string): string {
  if (!def?.secret) return value;
  if (def.name === 'users') return value.replace(/:[^,]*/g, ':***');
  return '***';
}

function splitItems(def: ParamDef, value: string, separator: string): string[] {
  if (def.shape === 'single') return [value];
  const sep = def.shape === 'pairs' ? ':' : separator;
  return value
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

interface Ctx {
  /** Parsed items of every valid entry, by key as given (`name` or `name.N`). */
  readonly parsed: Map<string, readonly unknown[]>;
  readonly errors: ParamIssue[];
  readonly warnings: ParamWarning[];
  readonly separator: string;
}

const short = (s: string): string => (s.length > 64 ? `${s.slice(0, 61)}...` : s);

/** The whole request: bounded in size and count before anything is looked at. */
function checkRequest(entries: ReadonlyMap<string, string>, errors: ParamIssue[]): boolean {
  let chars = 0;
  for (const [k, v] of entries) chars += k.length + v.length;
  if (entries.size > MAX_PARAMS || chars > MAX_REQUEST_CHARS) {
    errors.push({
      param: '(request)',
      code: 'REQUEST_TOO_LARGE',
      message: `a reconfigure request may have at most ${MAX_PARAMS} parameters and ${MAX_REQUEST_CHARS} characters of names and values (this one: ${entries.size} parameters, ${chars} characters)`,
      allowed: `at most ${MAX_PARAMS} parameters, ${MAX_REQUEST_CHARS} characters`,
    });
    return false;
  }
  return true;
}

/** An unknown name: a warning (as upstream, companions rely on it), or a 400 when it looks like a typo or in strict mode. */
function unknownName(ctx: Ctx, key: string, name: string, opts: ParseOptions): void {
  if (FOREIGN_PREFIXES.some((pfx) => name.startsWith(pfx))) return;
  const suggestion = didYouMean(name, PARAMS_BY_NAME.keys());
  const hint = suggestion ? `; did you mean ${suggestion}?` : '';
  if (suggestion || opts.unknownParams === 'strict') {
    ctx.errors.push({
      param: key,
      code: 'PARAM_UNKNOWN',
      message: suggestion
        ? `unknown parameter ${key}${hint} (a likely misspelling is refused so a typo never drops protection)`
        : `unknown parameter ${key} (UNKNOWN_PARAMS=strict refuses every unknown name)`,
      ...(suggestion ? { didYouMean: suggestion } : {}),
    });
    return;
  }
  // Not close enough to refuse, but worth a hint in the warning.
  const hintName = didYouMean(name, PARAMS_BY_NAME.keys(), 'loose');
  ctx.warnings.push({
    param: key,
    code: 'PARAM_UNKNOWN',
    message: `unknown parameter ${key} is ignored` + (hintName ? ` (did you mean ${hintName}?)` : ''),
    ...(hintName ? { didYouMean: hintName } : {}),
  });
}

/** One value against its limits and grammar; the parsed items, or undefined after recording the error. */
function parseValue(ctx: Ctx, key: string, def: ParamDef, value: string): unknown[] | undefined {
  const shown = short(maskValue(def, value));
  const invalid = (message: string, code: ParamIssue['code'] = 'PARAM_INVALID'): undefined => {
    ctx.errors.push({ param: key, value: shown, code, message, allowed: def.allowed });
    return undefined;
  };
  if (value.length > def.limit.value)
    return invalid(
      `${key} must be at most ${def.limit.value} characters (it has ${value.length})`,
      'PARAM_TOO_LONG',
    );
  // serviceCert carries PEM text whose line breaks are legitimate; it is written to a file, never into haproxy.cfg.
  const controlOk = def.name === 'serviceCert' && !hasControlChar(value.replace(/\r?\n/g, ''));
  if (hasControlChar(value) && !controlOk)
    return invalid(`${key} must not contain line breaks or other control characters`);
  const items: unknown[] = [];
  for (const item of splitItems(def, value, ctx.separator)) {
    if (def.limit.item !== undefined && item.length > def.limit.item)
      return invalid(
        `${key}: each item must be at most ${def.limit.item} characters (one has ${item.length})`,
        'PARAM_TOO_LONG',
      );
    const r = def.grammar(item);
    if (!r.ok) return invalid(`${key}: ${short(maskValue(def, item))} ${r.error}`);
    items.push(r.value);
  }
  return items;
}

/** Checks names, indexes and every value against its grammar; returns the set of destination indexes. */
function validateEntries(ctx: Ctx, entries: ReadonlyMap<string, string>, opts: ParseOptions): number[] {
  const indexes = new Set<number>();
  if (!checkRequest(entries, ctx.errors)) return [];
  for (const [key, value] of entries) {
    if (key.length > MAX_NAME_LENGTH) {
      ctx.errors.push({
        param: short(key),
        code: 'PARAM_TOO_LONG',
        message: `parameter names must be at most ${MAX_NAME_LENGTH} characters (one has ${key.length})`,
      });
      continue;
    }
    const m = KEY.exec(key);
    const name = m?.[1] ?? key;
    const def = PARAMS_BY_NAME.get(name);
    if (!m || !def) {
      unknownName(ctx, key, name, opts);
      continue;
    }
    const shown = short(maskValue(def, value));
    if (m[2] !== undefined) {
      const n = Number(m[2]);
      if (def.scope !== 'destination') {
        ctx.errors.push({
          param: key,
          value: shown,
          code: 'INDEX_INVALID',
          message: `${name} cannot be indexed (.N is for per-destination parameters)`,
        });
        continue;
      }
      if (n < 1 || n > MAX_INDEX) {
        ctx.errors.push({
          param: key,
          value: shown,
          code: 'INDEX_INVALID',
          message: `index of ${key} must be from 1 to ${MAX_INDEX}`,
        });
        continue;
      }
      if ((DESTINATION_KEYS as readonly string[]).includes(name)) indexes.add(n);
    }
    if (def.support.kind === 'no') {
      ctx.errors.push({
        param: key,
        value: shown,
        code: 'PARAM_UNSUPPORTED',
        message: `${name} is not supported: ${def.support.reason}`,
      });
      continue;
    }
    if (def.support.kind === 'raw' && !opts.allowRawConfig) {
      ctx.errors.push({
        param: key,
        value: shown,
        code: 'PARAM_RAW_DISABLED',
        message: `${name} injects raw HAProxy configuration and is refused unless the operator sets ALLOW_RAW_CONFIG=true`,
      });
      continue;
    }
    if (def.support.kind === 'alias')
      ctx.warnings.push({ param: key, code: 'PARAM_DEPRECATED', message: def.support.note });
    const items = parseValue(ctx, key, def, value);
    if (items) ctx.parsed.set(key, items);
  }
  const sorted = [...indexes].sort((a, b) => a - b);
  sorted.forEach((n, i) => {
    if (n !== i + 1) {
      ctx.errors.push({
        param: `.${n}`,
        code: 'INDEX_INVALID',
        message: `destination ${n} is given but destination ${i + 1} is missing: indexes start at 1 and have no gaps`,
      });
    }
  });
  for (const key of ctx.parsed.keys()) {
    const m = KEY.exec(key);
    const n = Number(m?.[2]);
    if (m?.[2] !== undefined && n >= 1 && n <= MAX_INDEX && !indexes.has(n)) {
      ctx.errors.push({
        param: key,
        code: 'INDEX_INVALID',
        message: `${key} refers to destination ${m[2]}, which has none of ${DESTINATION_KEYS.map((k) => `${k}.${m[2]}`).join(', ')}`,
      });
    }
  }
  return sorted;
}

/**
 * Typed access to the parsed entries of one destination (index 0: the un-indexed ones). Names are
 * ParamName, so a misspelt name does not compile, and each value has the type its grammar returns.
 */
class Reader {
  constructor(
    private readonly ctx: Ctx,
    private readonly index: number,
  ) {}
  /** Every item of a list parameter; an indexed value replaces the un-indexed one. */
  list<N extends ParamName>(name: N): ItemOf<N>[] {
    const items =
      (this.index > 0 ? this.ctx.parsed.get(`${name}.${this.index}`) : undefined) ??
      this.ctx.parsed.get(name) ??
      [];
    // The items of `name` were produced by `name`'s own grammar (validateEntries).
    return items as ItemOf<N>[];
  }
  /** A single-valued parameter; an empty text counts as absent. */
  one<N extends ParamName>(name: N): ItemOf<N> | undefined {
    const v = this.list(name)[0];
    return v === '' ? undefined : v;
  }
}

function buildDestination(ctx: Ctx, index: number, deprecatedRewrite: SearchReplace[]): Destination {
  const r = new Reader(ctx, index);
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
  return {
    index,
    reqMode: r.one('reqMode') ?? 'http',
    servicePath: r.list('servicePath'),
    servicePathExclude: r.list('servicePathExclude'),
    ...opt('pathType', r.one('pathType')),
    ...opt('port', r.one('port')),
    ...opt('srcPort', r.one('srcPort')),
    ...opt('httpsPort', r.one('httpsPort')),
    ...opt('srcHttpsPort', r.one('srcHttpsPort')),
    serviceDomain: r.list('serviceDomain'),
    serviceHeader: r.list('serviceHeader'),
    userAgent: r.list('userAgent'),
    reqPathSearchReplace: [...deprecatedRewrite, ...r.list('reqPathSearchReplace')],
    allowedMethods: r.list('allowedMethods'),
    deniedMethods: r.list('deniedMethods'),
    denyHttp: r.one('denyHttp') ?? false,
    ...opt('httpsOnly', r.one('httpsOnly')),
    ...opt('httpsRedirectCode', numberOf(r.one('httpsRedirectCode'))),
    redirectFromDomain: r.list('redirectFromDomain'),
    ignoreAuthorization: r.one('ignoreAuthorization') ?? false,
    ...opt('outboundHostname', r.one('outboundHostname')),
    sslVerifyNone: r.one('sslVerifyNone') ?? false,
    ...(r.one('verifyClientSsl') ? { verifyClientSsl: true } : {}),
    ...opt('timeoutServer', r.one('timeoutServer')),
    ...opt('timeoutTunnel', r.one('timeoutTunnel')),
    ...opt('timeoutClient', r.one('timeoutClient')),
    checkTcp: r.one('checkTcp') ?? false,
    clitcpka: r.one('clitcpka') ?? false,
    ...opt('serviceGroup', r.one('serviceGroup')),
    ...opt('balanceGroup', r.one('balanceGroup')),
    ...opt('userDef', r.one('userDef')),
  };
}

const numberOf = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));

function checkDestination(d: Destination, errors: ParamIssue[]): void {
  const sfx = d.index > 0 ? `.${d.index}` : '';
  if (d.reqMode === 'http') {
    if (d.servicePath.length === 0 && d.serviceDomain.length === 0) {
      errors.push({
        param: `servicePath${sfx}`,
        code: 'PATH_OR_DOMAIN_REQUIRED',
        message: 'When using reqMode http, servicePath or serviceDomain are mandatory',
      });
    }
  } else if (d.srcPort === undefined || d.port === undefined) {
    errors.push({
      param: `srcPort${sfx}`,
      code: 'SRC_PORT_REQUIRED',
      message: 'When NOT using reqMode http (e.g. tcp), srcPort and port parameters are mandatory.',
    });
    return;
  }
  if (d.port === undefined && d.httpsPort === undefined) {
    errors.push({
      param: `port${sfx}`,
      code: 'PORT_REQUIRED',
      message: 'The port parameter is mandatory (the port the service listens on)',
      allowed: 'port 1-65535',
    });
  }
  if (d.pathType?.endsWith('_reg')) {
    for (const path of d.servicePath) {
      try {
        new RegExp(path);
      } catch (e) {
        errors.push({
          param: `servicePath${sfx}`,
          value: path,
          code: 'PARAM_INVALID',
          message: `servicePath${sfx}: ${path} is not a valid regular expression for pathType ${d.pathType} (${(e as Error).message})`,
        });
      }
    }
  }
}

/**
 * Parses a reconfigure request (query string, urlencoded body or the listener's get-services JSON)
 * into a typed ServiceSpec. Total: never throws; every problem is reported with the parameter it
 * concerns, the value (secrets masked) and what is allowed. The API and the resync from the
 * listener both come through here, so the limits hold for both.
 */
export function parseServiceSpec(input: ParamInput, opts: ParseOptions = {}): ParseResult {
  const { entries, issues } = toEntries(input);
  const ctx: Ctx = {
    parsed: new Map(),
    errors: [...issues],
    warnings: [],
    separator: opts.separator || ',',
  };
  const indexes = validateEntries(ctx, entries, opts);
  const top = new Reader(ctx, 0);
  const serviceName = top.one('serviceName');
  if (
    serviceName === undefined &&
    !ctx.errors.some((e) => e.param === 'serviceName' || e.param === '(request)')
  ) {
    ctx.errors.unshift({
      param: 'serviceName',
      code: 'SERVICE_NAME_REQUIRED',
      message: 'serviceName parameter is mandatory.',
    });
  }
  if (ctx.errors.length > 0) return { ok: false, status: 400, errors: ctx.errors, warnings: ctx.warnings };

  const search = top.one('reqPathSearch');
  const deprecatedRewrite: SearchReplace[] =
    search !== undefined ? [{ search, replace: top.one('reqPathReplace') ?? '' }] : [];
  const destinations = (indexes.length > 0 ? indexes : [0]).map((i) =>
    buildDestination(ctx, i, deprecatedRewrite),
  );
  const replicas = top.one('replicas');
  const spec: ServiceSpec = buildService(top, serviceName ?? '', destinations, replicas);

  // replicas=0 on a replicated service means "remove" (upstream #49): no routing fields are needed.
  if (replicas !== 0) destinations.forEach((d) => checkDestination(d, ctx.errors));
  if (ctx.errors.length > 0) {
    const status = ctx.errors.every((e) => e.code === 'PATH_OR_DOMAIN_REQUIRED') ? 409 : 400;
    return { ok: false, status, errors: ctx.errors, warnings: ctx.warnings };
  }
  return { ok: true, spec, warnings: ctx.warnings };
}

function buildService(
  top: Reader,
  serviceName: string,
  destinations: Destination[],
  replicas: number | undefined,
): ServiceSpec {
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
  const domainAlgo =
    top.one('serviceDomainAlgo') ?? (top.one('serviceDomainMatchAll') ? 'hdr_dom(host)' : undefined);
  const headers = (...lists: HeaderOp[][]): HeaderOp[] => lists.flat();
  return {
    serviceName,
    aclName: top.one('aclName') ?? serviceName,
    ...opt('replicas', replicas),
    distribute: top.one('distribute') ?? false,
    addReqHeader: headers(top.list('addReqHeader'), top.list('addHeader')),
    setReqHeader: headers(top.list('setReqHeader'), top.list('setHeader')),
    delReqHeader: top.list('delReqHeader'),
    addResHeader: top.list('addResHeader'),
    setResHeader: top.list('setResHeader'),
    delResHeader: top.list('delResHeader'),
    ...opt('backendExtra', top.one('backendExtra')),
    ...opt('compressionAlgo', top.one('compressionAlgo')),
    ...opt('compressionType', top.one('compressionType')),
    ...opt('connectionMode', top.one('connectionMode')),
    discoveryType: top.one('discoveryType') ?? 'DNS',
    isDefaultBackend: top.one('isDefaultBackend') ?? false,
    ...opt('proxyInstanceName', top.one('proxyInstanceName')),
    redirectWhenHttpProto: top.one('redirectWhenHttpProto') ?? false,
    redirectUnlessHttpsProto: top.one('redirectUnlessHttpsProto') ?? false,
    ...opt('serviceCert', top.one('serviceCert')),
    ...opt('serviceDomainAlgo', domainAlgo),
    ...opt('sessionType', top.one('sessionType')),
    users: top.list('users'),
    ...opt('usersSecret', top.one('usersSecret')),
    usersPassEncrypted: top.one('usersPassEncrypted') ?? false,
    ...opt('nodeInfo', top.one('nodeInfo')),
    destinations,
  };
}

/** Parses a remove request: serviceName is mandatory, aclName optional; every other label is ignored. */
export function parseRemoveRequest(
  input: ParamInput,
):
  | { ok: true; serviceName: string; aclName?: string; distribute: boolean }
  | { ok: false; status: 400; errors: ParamIssue[] } {
  const { entries } = toEntries(input);
  const name = entries.get('serviceName')?.trim();
  if (!name) {
    return {
      ok: false,
      status: 400,
      errors: [
        {
          param: 'serviceName',
          code: 'SERVICE_NAME_REQUIRED',
          message: 'The serviceName query is mandatory',
        },
      ],
    };
  }
  const def = PARAMS_BY_NAME.get('serviceName');
  const r = def?.grammar(name);
  if (r && !r.ok)
    return {
      ok: false,
      status: 400,
      errors: [
        {
          param: 'serviceName',
          value: short(name),
          code: 'PARAM_INVALID',
          message: `serviceName: ${short(name)} ${r.error}`,
          allowed: def?.allowed ?? '',
        },
      ],
    };
  const acl = entries.get('aclName')?.trim();
  return {
    ok: true,
    serviceName: name,
    ...(acl ? { aclName: acl } : {}),
    distribute: entries.get('distribute')?.toLowerCase() === 'true',
  };
}

export { PARAMS, isParamName };
