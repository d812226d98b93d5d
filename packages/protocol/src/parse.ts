import { hasControlChar } from './grammar.js';
import { toEntries, type ParamInput } from './input.js';
import {
  DESTINATION_KEYS,
  FOREIGN_PREFIXES,
  MAX_INDEX,
  PARAMS,
  PARAMS_BY_NAME,
  type Mode,
  type ParamDef,
} from './params.js';
import type {
  Destination,
  HeaderOp,
  ParamIssue,
  ParseOptions,
  ParseResult,
  SearchReplace,
  ServiceSpec,
  UserEntry,
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
  readonly entries: Map<string, string>;
  readonly errors: ParamIssue[];
  readonly warnings: string[];
  readonly separator: string;
}

/** Checks names, indexes and every value against its grammar; returns the set of destination indexes. */
function validateEntries(ctx: Ctx, opts: ParseOptions): number[] {
  const indexes = new Set<number>();
  for (const [key, value] of ctx.entries) {
    const m = KEY.exec(key);
    const name = m?.[1] ?? key;
    const def = PARAMS_BY_NAME.get(name);
    if (!m || !def) {
      if (FOREIGN_PREFIXES.some((pfx) => name.startsWith(pfx))) {
        ctx.warnings.push(`${key} belongs to another Docker Flow tool and is ignored`);
        continue;
      }
      const suggestion = didYouMean(name, PARAMS_BY_NAME.keys());
      ctx.errors.push({
        param: key,
        code: 'PARAM_UNKNOWN',
        message: `unknown parameter ${key}` + (suggestion ? `; did you mean ${suggestion}?` : ''),
        ...(suggestion ? { didYouMean: suggestion } : {}),
      });
      continue;
    }
    const shown = maskValue(def, value);
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
    if (def.support.kind === 'alias') ctx.warnings.push(def.support.note);
    // serviceCert carries PEM text whose line breaks are legitimate; it is written to a file, never into haproxy.cfg.
    const controlOk = def.name === 'serviceCert' && !hasControlChar(value.replace(/\r?\n/g, ''));
    if (hasControlChar(value) && !controlOk) {
      ctx.errors.push({
        param: key,
        value: JSON.stringify(shown),
        code: 'PARAM_INVALID',
        message: `${key} must not contain line breaks or other control characters`,
        allowed: def.allowed,
      });
      continue;
    }
    for (const item of splitItems(def, value, ctx.separator)) {
      const err = def.grammar(item);
      if (err) {
        ctx.errors.push({
          param: key,
          value: shown,
          code: 'PARAM_INVALID',
          message: `${key}: ${maskValue(def, item)} ${err}`,
          allowed: def.allowed,
        });
        break;
      }
    }
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
  for (const key of ctx.entries.keys()) {
    const m = KEY.exec(key);
    const n = Number(m?.[2]);
    if (
      m?.[2] !== undefined &&
      n >= 1 &&
      n <= MAX_INDEX &&
      PARAMS_BY_NAME.get(m[1] ?? '')?.scope === 'destination' &&
      !indexes.has(n)
    ) {
      ctx.errors.push({
        param: key,
        code: 'INDEX_INVALID',
        message: `${key} refers to destination ${m[2]}, which has none of ${DESTINATION_KEYS.map((k) => `${k}.${m[2]}`).join(', ')}`,
      });
    }
  }
  return sorted;
}

class Reader {
  constructor(
    private readonly ctx: Ctx,
    private readonly index: number,
  ) {}
  raw(name: string): string | undefined {
    return (
      (this.index > 0 ? this.ctx.entries.get(`${name}.${this.index}`) : undefined) ??
      this.ctx.entries.get(name)
    );
  }
  str(name: string): string | undefined {
    const v = this.raw(name)?.trim();
    return v === undefined || v === '' ? undefined : v;
  }
  list(name: string): string[] {
    const v = this.raw(name);
    const def = PARAMS_BY_NAME.get(name);
    return v === undefined || !def ? [] : splitItems(def, v, this.ctx.separator);
  }
  bool(name: string): boolean | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  }
  int(name: string): number | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : Number(v);
  }
}

function header(item: string): HeaderOp {
  const m = /^([^\s:]+)(?::?\s+(.*))?$/.exec(item);
  return { name: m?.[1] ?? item, value: (m?.[2] ?? '').trim() };
}

function headerMatch(item: string): HeaderOp {
  const i = item.indexOf(':');
  return { name: item.slice(0, i), value: item.slice(i + 1).trim() };
}

function pair(item: string): SearchReplace {
  const i = item.indexOf(',');
  return { search: item.slice(0, i), replace: item.slice(i + 1) };
}

function user(item: string): UserEntry {
  const i = item.indexOf(':');
  return i < 0 ? { user: item } : { user: item.slice(0, i), password: item.slice(i + 1) };
}

function buildDestination(ctx: Ctx, index: number, deprecatedRewrite: SearchReplace[]): Destination {
  const r = new Reader(ctx, index);
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
    (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
  return {
    index,
    reqMode: (r.str('reqMode')?.toLowerCase() ?? 'http') as Mode,
    servicePath: r.list('servicePath'),
    servicePathExclude: r.list('servicePathExclude'),
    ...opt('pathType', r.str('pathType')),
    ...opt('port', r.int('port')),
    ...opt('srcPort', r.int('srcPort')),
    ...opt('httpsPort', r.int('httpsPort')),
    ...opt('srcHttpsPort', r.int('srcHttpsPort')),
    serviceDomain: r.list('serviceDomain'),
    serviceHeader: r.list('serviceHeader').map(headerMatch),
    userAgent: r.list('userAgent'),
    reqPathSearchReplace: [...deprecatedRewrite, ...r.list('reqPathSearchReplace').map(pair)],
    allowedMethods: r.list('allowedMethods').map((m) => m.toUpperCase()),
    deniedMethods: r.list('deniedMethods').map((m) => m.toUpperCase()),
    denyHttp: r.bool('denyHttp') ?? false,
    ...opt('httpsOnly', r.bool('httpsOnly')),
    ...opt('httpsRedirectCode', r.int('httpsRedirectCode')),
    redirectFromDomain: r.list('redirectFromDomain'),
    ignoreAuthorization: r.bool('ignoreAuthorization') ?? false,
    ...opt('outboundHostname', r.str('outboundHostname')),
    sslVerifyNone: r.bool('sslVerifyNone') ?? false,
    ...opt('timeoutServer', r.int('timeoutServer')),
    ...opt('timeoutTunnel', r.int('timeoutTunnel')),
    ...opt('timeoutClient', r.int('timeoutClient')),
    checkTcp: r.bool('checkTcp') ?? false,
    clitcpka: r.bool('clitcpka') ?? false,
    ...opt('userDef', r.str('userDef')),
  };
}

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
 * concerns, the value (secrets masked) and what is allowed.
 */
export function parseServiceSpec(input: ParamInput, opts: ParseOptions = {}): ParseResult {
  const { entries, issues } = toEntries(input);
  const ctx: Ctx = { entries, errors: [...issues], warnings: [], separator: opts.separator || ',' };
  const indexes = validateEntries(ctx, opts);
  const top = new Reader(ctx, 0);
  const serviceName = top.str('serviceName');
  if (serviceName === undefined && !ctx.errors.some((e) => e.param === 'serviceName')) {
    ctx.errors.unshift({
      param: 'serviceName',
      code: 'SERVICE_NAME_REQUIRED',
      message: 'serviceName parameter is mandatory.',
    });
  }
  if (ctx.errors.length > 0) return { ok: false, status: 400, errors: ctx.errors, warnings: ctx.warnings };

  const search = top.str('reqPathSearch');
  const deprecatedRewrite: SearchReplace[] =
    search !== undefined ? [{ search, replace: top.raw('reqPathReplace') ?? '' }] : [];
  const destinations = (indexes.length > 0 ? indexes : [0]).map((i) =>
    buildDestination(ctx, i, deprecatedRewrite),
  );
  const replicas = top.int('replicas');
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
    top.str('serviceDomainAlgo') ?? (top.bool('serviceDomainMatchAll') ? 'hdr_dom(host)' : undefined);
  return {
    serviceName,
    aclName: top.str('aclName') ?? serviceName,
    ...opt('replicas', replicas),
    distribute: top.bool('distribute') ?? false,
    addReqHeader: [...top.list('addReqHeader'), ...top.list('addHeader')].map(header),
    setReqHeader: [...top.list('setReqHeader'), ...top.list('setHeader')].map(header),
    delReqHeader: top.list('delReqHeader'),
    addResHeader: top.list('addResHeader').map(header),
    setResHeader: top.list('setResHeader').map(header),
    delResHeader: top.list('delResHeader'),
    ...opt('backendExtra', top.str('backendExtra')),
    ...opt('compressionAlgo', top.str('compressionAlgo')),
    ...opt('compressionType', top.str('compressionType')),
    ...opt('connectionMode', top.str('connectionMode')),
    discoveryType: top.str('discoveryType') === 'Overlay' ? 'Overlay' : 'DNS',
    isDefaultBackend: top.bool('isDefaultBackend') ?? false,
    ...opt('proxyInstanceName', top.str('proxyInstanceName')),
    redirectWhenHttpProto: top.bool('redirectWhenHttpProto') ?? false,
    redirectUnlessHttpsProto: top.bool('redirectUnlessHttpsProto') ?? false,
    ...opt('serviceCert', top.str('serviceCert')?.replace(/\\n/g, '\n')),
    ...opt('serviceDomainAlgo', domainAlgo),
    ...opt('sessionType', top.str('sessionType') as 'sticky-server' | undefined),
    users: top.list('users').map(user),
    ...opt('usersSecret', top.str('usersSecret')),
    usersPassEncrypted: top.bool('usersPassEncrypted') ?? false,
    ...opt('nodeInfo', top.str('nodeInfo')),
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
  const err = def?.grammar(name);
  if (err)
    return {
      ok: false,
      status: 400,
      errors: [
        {
          param: 'serviceName',
          value: name,
          code: 'PARAM_INVALID',
          message: `serviceName: ${name} ${err}`,
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

export { PARAMS };
