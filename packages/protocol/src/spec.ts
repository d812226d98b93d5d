import type { HeaderOp, SearchReplace, UserEntry } from './grammar.js';
import type { ItemOf, Mode, ParamName } from './params.js';

export type { HeaderOp, SearchReplace, UserEntry } from './grammar.js';

/** One routing destination: un-indexed parameters form index 0, `name.N` form index N. */
export interface Destination {
  readonly index: number;
  readonly reqMode: Mode;
  readonly servicePath: readonly string[];
  readonly servicePathExclude: readonly string[];
  readonly pathType?: string;
  readonly port?: number;
  readonly srcPort?: number;
  readonly httpsPort?: number;
  readonly srcHttpsPort?: number;
  readonly serviceDomain: readonly string[];
  readonly serviceHeader: readonly HeaderOp[];
  readonly userAgent: readonly string[];
  readonly reqPathSearchReplace: readonly SearchReplace[];
  readonly allowedMethods: readonly string[];
  readonly deniedMethods: readonly string[];
  readonly denyHttp: boolean;
  /** Undefined means "use env HTTPS_ONLY". */
  readonly httpsOnly?: boolean;
  readonly httpsRedirectCode?: number;
  readonly redirectFromDomain: readonly string[];
  readonly ignoreAuthorization: boolean;
  readonly outboundHostname?: string;
  readonly sslVerifyNone: boolean;
  /** Require a client certificate signed by CA_FILE; absent means false. */
  readonly verifyClientSsl?: boolean;
  readonly timeoutServer?: number;
  readonly timeoutTunnel?: number;
  readonly timeoutClient?: number;
  readonly checkTcp: boolean;
  readonly clitcpka: boolean;
  /** TCP group: destinations with the same group and srcPort share one listen section. */
  readonly serviceGroup?: string;
  readonly balanceGroup?: string;
  readonly userDef?: string;
}

/** A validated reconfigure request: what the proxy stores and renders, identical for every input form. */
export interface ServiceSpec {
  readonly serviceName: string;
  readonly aclName: string;
  /** Undefined: a global service (no `replicas` sent). */
  readonly replicas?: number;
  readonly distribute: boolean;
  readonly addReqHeader: readonly HeaderOp[];
  readonly setReqHeader: readonly HeaderOp[];
  readonly delReqHeader: readonly string[];
  readonly addResHeader: readonly HeaderOp[];
  readonly setResHeader: readonly HeaderOp[];
  readonly delResHeader: readonly string[];
  readonly backendExtra?: string;
  readonly compressionAlgo?: string;
  readonly compressionType?: string;
  readonly connectionMode?: string;
  readonly discoveryType: 'DNS' | 'Overlay';
  readonly isDefaultBackend: boolean;
  readonly proxyInstanceName?: string;
  readonly redirectWhenHttpProto: boolean;
  readonly redirectUnlessHttpsProto: boolean;
  readonly serviceCert?: string;
  /** Undefined means "use env SERVICE_DOMAIN_ALGO". */
  readonly serviceDomainAlgo?: string;
  readonly sessionType?: 'sticky-server';
  readonly users: readonly UserEntry[];
  readonly usersSecret?: string;
  readonly usersPassEncrypted: boolean;
  readonly nodeInfo?: string;
  readonly destinations: readonly Destination[];
}

export interface ParamIssue {
  /** Parameter as given, including its `.N` index. */
  readonly param: string;
  /** The value as given, with secrets masked; undefined for missing parameters. */
  readonly value?: string;
  readonly code: IssueCode;
  readonly message: string;
  readonly allowed?: string;
  readonly didYouMean?: string;
}

export type IssueCode =
  | 'SERVICE_NAME_REQUIRED'
  | 'PATH_OR_DOMAIN_REQUIRED'
  | 'PORT_REQUIRED'
  | 'SRC_PORT_REQUIRED'
  | 'PARAM_INVALID'
  | 'PARAM_UNKNOWN'
  | 'PARAM_UNSUPPORTED'
  | 'PARAM_RAW_DISABLED'
  | 'PARAM_DUPLICATE'
  | 'PARAM_TOO_LONG'
  | 'REQUEST_TOO_LARGE'
  | 'INDEX_INVALID';

/** Something accepted but worth telling the sender: an unknown name, a deprecated alias. */
export interface ParamWarning {
  /** Parameter as given, including its `.N` index. */
  readonly param: string;
  readonly code: WarningCode;
  readonly message: string;
  readonly didYouMean?: string;
}

export type WarningCode = 'PARAM_UNKNOWN' | 'PARAM_DEPRECATED';

/**
 * `warn` (default, as upstream): an unknown name is accepted with a warning, unless it is a likely
 * misspelling of a known one; `strict`: every unknown name is refused.
 */
export type UnknownParams = 'warn' | 'strict';
export const UNKNOWN_PARAMS_MODES = ['warn', 'strict'] as const satisfies readonly UnknownParams[];

export type ParseResult =
  | { readonly ok: true; readonly spec: ServiceSpec; readonly warnings: readonly ParamWarning[] }
  | {
      readonly ok: false;
      /** 400 for invalid input, 409 for http without path or domain (as upstream). */
      readonly status: 400 | 409;
      readonly errors: readonly ParamIssue[];
      readonly warnings: readonly ParamWarning[];
    };

export interface ParseOptions {
  /** List separator, env SEPARATOR (default `,`). */
  readonly separator?: string;
  /** Allow raw-config parameters such as backendExtra (env ALLOW_RAW_CONFIG). */
  readonly allowRawConfig?: boolean;
  /** env UNKNOWN_PARAMS (default warn). */
  readonly unknownParams?: UnknownParams;
}

// Compile-time checks that the spec speaks the table's language: every field of ServiceSpec and
// Destination is a parameter name, except the few the parse derives (index, destinations).
type NotParams<T, Derived extends string> = Exclude<keyof T, ParamName | Derived>;
const specFieldsAreParams: [NotParams<ServiceSpec, 'destinations'>] extends [never] ? true : never = true;
const destinationFieldsAreParams: [NotParams<Destination, 'index'>] extends [never] ? true : never = true;
void specFieldsAreParams;
void destinationFieldsAreParams;

// ... and every such field holds what that parameter's grammar returns (a list of items, or one),
// except the listed ones the parse converts on purpose.
type FieldMismatch<T, Converted extends string> = {
  [K in Exclude<keyof T & ParamName, Converted>]-?: NonNullable<T[K]> extends readonly unknown[]
    ? readonly ItemOf<K>[] extends NonNullable<T[K]>
      ? never
      : K
    : ItemOf<K> extends NonNullable<T[K]>
      ? never
      : K;
}[Exclude<keyof T & ParamName, Converted>];
// httpsRedirectCode: the table's canonical code text becomes a number.
const specTypesFollowGrammars: [FieldMismatch<ServiceSpec, never>] extends [never] ? true : never = true;
const destinationTypesFollowGrammars: [FieldMismatch<Destination, 'httpsRedirectCode'>] extends [never]
  ? true
  : never = true;
void specTypesFollowGrammars;
void destinationTypesFollowGrammars;
