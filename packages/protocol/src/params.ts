import * as g from './grammar.js';

export type Mode = 'http' | 'tcp' | 'sni';
/** `service`: one value per service; `destination`: indexable as `name.N`; `listener`: read by the listener only. */
export type Scope = 'service' | 'destination' | 'listener';
/**
 * How a value is split: `single` is one value, `list` is split on the list separator
 * (env `SEPARATOR`, default `,`), `pairs` is split on `:` into `a,b` pairs (reqPathSearchReplace).
 */
export type Shape = 'single' | 'list' | 'pairs';
export type Support =
  | { readonly kind: 'yes' }
  | { readonly kind: 'raw' }
  | { readonly kind: 'no'; readonly reason: string }
  | { readonly kind: 'alias'; readonly of: string; readonly note: string };

export interface ParamDef {
  readonly name: string;
  readonly scope: Scope;
  readonly shape: Shape;
  /** Validates one item (after splitting lists). */
  readonly grammar: g.Grammar;
  /** Human description of the grammar, for docs and error messages. */
  readonly allowed: string;
  readonly default?: string;
  readonly modes: readonly Mode[];
  readonly doc: string;
  /** An accepted and a rejected value; `ok` is null only for unsupported parameters. */
  readonly examples: { readonly ok: string | null; readonly fail: string | null };
  readonly support: Support;
  /** Secret-bearing values are masked in errors, logs and `config?type=json`. */
  readonly secret?: boolean;
}

const YES: Support = { kind: 'yes' };
const ALL: readonly Mode[] = ['http', 'tcp', 'sni'];
const HTTP: readonly Mode[] = ['http'];
const TCP: readonly Mode[] = ['tcp'];

export const PATH_TYPES = [
  'path',
  'path_beg',
  'path_dir',
  'path_end',
  'path_reg',
  'path_sub',
  'url',
  'url_beg',
  'url_dir',
  'url_end',
  'url_reg',
  'url_sub',
] as const;
export const DOMAIN_ALGOS = [
  'hdr(host)',
  'hdr_beg(host)',
  'hdr_dom(host)',
  'hdr_end(host)',
  'hdr_reg(host)',
  'hdr_sub(host)',
  'req.ssl_sni',
] as const;
export const REQ_MODES = ['http', 'tcp', 'sni'] as const;
export const CONNECTION_MODES = ['http-keep-alive', 'http-server-close', 'httpclose'] as const;
export const DISCOVERY_TYPES = ['DNS', 'Overlay'] as const;
export const COMPRESSION_ALGOS = ['gzip', 'deflate', 'raw-deflate', 'identity'] as const;
export const REDIRECT_CODES = ['301', '302', '303', '307', '308'] as const;

const p = (def: ParamDef): ParamDef => def;

/**
 * Every parameter of Docker Flow Proxy's reconfigure API (dfp-reference.md 1a and 1b), plus the
 * listener-only labels. Labels `com.df.<name>` and `com.df.<name>.<N>` map to these one to one.
 */
export const PARAMS: readonly ParamDef[] = [
  // ---- service level -------------------------------------------------------------------------
  p({ name: 'serviceName', scope: 'service', shape: 'single', grammar: g.serviceName, allowed: 'Docker service name', modes: ALL, doc: 'Swarm service name; mandatory. Set by the listener, overriding any label.', examples: { ok: 'go-demo', fail: 'go demo' }, support: YES }),
  p({ name: 'aclName', scope: 'service', shape: 'single', grammar: g.identifier, allowed: 'letters, digits, _, . and -', default: 'serviceName', modes: ALL, doc: 'Sort key of the service among routes and prefix of its ACL and backend names.', examples: { ok: '01-go-demo', fail: 'a b' }, support: YES }),
  p({ name: 'replicas', scope: 'service', shape: 'single', grammar: g.intRange(0, 100000), allowed: 'whole number', modes: ALL, doc: 'Replica count sent by the listener; absent means a global service; 0 on a replicated service removes its routes.', examples: { ok: '3', fail: '-1' }, support: YES }),
  p({ name: 'distribute', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: ALL, doc: 'Forward the request to every proxy replica (tasks.<SERVICE_NAME>) and answer once all applied it.', examples: { ok: 'true', fail: 'yes' }, support: YES }),
  p({ name: 'addReqHeader', scope: 'service', shape: 'list', grammar: g.headerItem, allowed: '"Header-Name value" items', modes: HTTP, doc: 'Adds request headers (http-request add-header) in the backend.', examples: { ok: 'X-Foo bar,X-Client %[src]', fail: "X-Foo it's" }, support: YES }),
  p({ name: 'setReqHeader', scope: 'service', shape: 'list', grammar: g.headerItem, allowed: '"Header-Name value" items', modes: HTTP, doc: 'Sets request headers (http-request set-header) in the backend.', examples: { ok: 'X-Forwarded-Port 443', fail: 'X Foo:bar baz\u0007' }, support: YES }),
  p({ name: 'delReqHeader', scope: 'service', shape: 'list', grammar: g.headerName, allowed: 'header names', modes: HTTP, doc: 'Deletes request headers (http-request del-header) in the backend.', examples: { ok: 'X-Debug,Cookie', fail: 'X Debug' }, support: YES }),
  p({ name: 'addResHeader', scope: 'service', shape: 'list', grammar: g.headerItem, allowed: '"Header-Name value" items', modes: HTTP, doc: 'Adds response headers (http-response add-header).', examples: { ok: 'X-Served-By proxy', fail: '"X" y' }, support: YES }),
  p({ name: 'setResHeader', scope: 'service', shape: 'list', grammar: g.headerItem, allowed: '"Header-Name value" items', modes: HTTP, doc: 'Sets response headers (http-response set-header).', examples: { ok: 'Cache-Control no-cache', fail: 'Cache-Control no\\cache' }, support: YES }),
  p({ name: 'delResHeader', scope: 'service', shape: 'list', grammar: g.headerName, allowed: 'header names', modes: HTTP, doc: 'Deletes response headers (http-response del-header).', examples: { ok: 'Server', fail: 'Ser ver' }, support: YES }),
  p({ name: 'addHeader', scope: 'service', shape: 'list', grammar: g.headerItem, allowed: '"Header-Name value" items', modes: HTTP, doc: 'Deprecated alias of addReqHeader.', examples: { ok: 'X-Foo bar', fail: "X-Foo 'bar'" }, support: { kind: 'alias', of: 'addReqHeader', note: 'addHeader is deprecated: use addReqHeader' } }),
  p({ name: 'setHeader', scope: 'service', shape: 'list', grammar: g.headerItem, allowed: '"Header-Name value" items', modes: HTTP, doc: 'Deprecated alias of setReqHeader.', examples: { ok: 'X-Foo bar', fail: "X-Foo 'bar'" }, support: { kind: 'alias', of: 'setReqHeader', note: 'setHeader is deprecated: use setReqHeader' } }),
  p({ name: 'backendExtra', scope: 'service', shape: 'single', grammar: g.text, allowed: 'one line of raw HAProxy backend configuration', modes: ALL, doc: 'Raw line appended to each backend of the service. Refused unless the operator sets ALLOW_RAW_CONFIG=true.', examples: { ok: 'http-request set-header X-Raw 1', fail: 'option httplog\nbind :1' }, support: { kind: 'raw' } }),
  p({ name: 'checkResolvers', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: ALL, doc: 'Upstream flag for resolvers on server lines; servers always resolve through the resolvers section here, so it is accepted and has no further effect.', examples: { ok: 'true', fail: 'on' }, support: YES }),
  p({ name: 'compressionAlgo', scope: 'service', shape: 'single', grammar: g.oneOf(COMPRESSION_ALGOS), allowed: COMPRESSION_ALGOS.join(', '), modes: HTTP, doc: 'HTTP compression algorithm for the service backend (compression algo).', examples: { ok: 'gzip', fail: 'brotli' }, support: YES }),
  p({ name: 'compressionType', scope: 'service', shape: 'single', grammar: g.mimeTypes, allowed: 'MIME types separated by spaces', modes: HTTP, doc: 'MIME types to compress (compression type).', examples: { ok: 'text/html text/plain', fail: 'text/html;x' }, support: YES }),
  p({ name: 'connectionMode', scope: 'service', shape: 'single', grammar: g.oneOf(CONNECTION_MODES), allowed: CONNECTION_MODES.join(', '), modes: HTTP, doc: 'option <mode> in the service backend.', examples: { ok: 'http-server-close', fail: 'forceclose' }, support: YES }),
  p({ name: 'discoveryType', scope: 'service', shape: 'single', grammar: g.oneOf(DISCOVERY_TYPES), allowed: DISCOVERY_TYPES.join(', '), default: 'DNS', modes: ALL, doc: 'DNS: one server slot per task through tasks.<service> (default here, needs no VIP). Overlay: one server on the service VIP, as upstream.', examples: { ok: 'Overlay', fail: 'Consul' }, support: YES }),
  p({ name: 'isDefaultBackend', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Requests that match no route go to this service.', examples: { ok: 'true', fail: '1' }, support: YES }),
  p({ name: 'proxyInstanceName', scope: 'service', shape: 'single', grammar: g.identifier, allowed: 'letters, digits, _, . and -', modes: ALL, doc: 'With FILTER_PROXY_INSTANCE_NAME=true only services whose value equals PROXY_INSTANCE_NAME are configured.', examples: { ok: 'docker-flow', fail: 'a/b' }, support: YES }),
  p({ name: 'redirectWhenHttpProto', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Redirect to https when X-Forwarded-Proto is http (TLS terminated in front of the proxy).', examples: { ok: 'true', fail: 'maybe' }, support: YES }),
  p({ name: 'redirectUnlessHttpsProto', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Redirect to https unless X-Forwarded-Proto is https.', examples: { ok: 'true', fail: 'maybe' }, support: YES }),
  p({ name: 'reqPathSearch', scope: 'service', shape: 'single', grammar: g.regexGrammar('search'), allowed: 'regular expression', modes: HTTP, doc: 'Deprecated: use reqPathSearchReplace. Combined with reqPathReplace into one search,replace pair.', examples: { ok: '/something/', fail: '(' }, support: { kind: 'alias', of: 'reqPathSearchReplace', note: 'reqPathSearch/reqPathReplace are deprecated: use reqPathSearchReplace=search,replace' } }),
  p({ name: 'reqPathReplace', scope: 'service', shape: 'single', grammar: g.token, allowed: 'replacement text without whitespace or quotes', modes: HTTP, doc: 'Deprecated: use reqPathSearchReplace.', examples: { ok: '/demo/', fail: 'a b' }, support: { kind: 'alias', of: 'reqPathSearchReplace', note: 'reqPathSearch/reqPathReplace are deprecated: use reqPathSearchReplace=search,replace' } }),
  p({ name: 'serviceCert', scope: 'service', shape: 'single', grammar: g.pem, allowed: 'PEM certificate and key (literal \\n sequences become newlines)', modes: HTTP, doc: 'Certificate stored as /certs/<first domain or serviceName>.pem and served on the HTTPS port.', examples: { ok: '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----', fail: 'not a pem' }, support: YES, secret: true }),
  p({ name: 'serviceDomainAlgo', scope: 'service', shape: 'single', grammar: g.oneOf(DOMAIN_ALGOS), allowed: DOMAIN_ALGOS.join(', '), default: 'env SERVICE_DOMAIN_ALGO (hdr(host))', modes: ['http', 'tcp'], doc: 'How serviceDomain is matched against the Host header. A * prefix on a domain always matches the end of the host.', examples: { ok: 'hdr_dom(host)', fail: 'hdr(x)' }, support: YES }),
  p({ name: 'serviceDomainMatchAll', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', modes: HTTP, doc: 'Deprecated alias: true means serviceDomainAlgo=hdr_dom(host).', examples: { ok: 'true', fail: 'all' }, support: { kind: 'alias', of: 'serviceDomainAlgo', note: 'serviceDomainMatchAll is deprecated: use serviceDomainAlgo=hdr_dom(host)' } }),
  p({ name: 'sessionType', scope: 'service', shape: 'single', grammar: g.oneOf(['sticky-server']), allowed: 'sticky-server', modes: HTTP, doc: 'sticky-server: a cookie pins each client to one task.', examples: { ok: 'sticky-server', fail: 'sticky' }, support: YES }),
  p({ name: 'templateFePath', scope: 'service', shape: 'single', grammar: g.text, allowed: '(not supported)', modes: ALL, doc: 'Custom frontend template file.', examples: { ok: null, fail: '/tmpl/fe.tmpl' }, support: { kind: 'no', reason: 'custom Go templates are not supported: every directive is generated from typed parameters (use the documented parameters, or backendExtra with ALLOW_RAW_CONFIG=true)' } }),
  p({ name: 'templateBePath', scope: 'service', shape: 'single', grammar: g.text, allowed: '(not supported)', modes: ALL, doc: 'Custom backend template file.', examples: { ok: null, fail: '/tmpl/be.tmpl' }, support: { kind: 'no', reason: 'custom Go templates are not supported: every directive is generated from typed parameters (use the documented parameters, or backendExtra with ALLOW_RAW_CONFIG=true)' } }),
  p({ name: 'users', scope: 'service', shape: 'list', grammar: g.userEntry, allowed: 'user:password items', modes: HTTP, doc: 'Basic auth for this service; replaces the global USERS for it. A user without a password takes it from usersSecret or USERS.', examples: { ok: 'admin:password,ops:secret', fail: 'admin:pass word' }, support: YES, secret: true }),
  p({ name: 'usersSecret', scope: 'service', shape: 'single', grammar: g.identifier, allowed: 'secret name suffix (letters, digits, _, . and -)', modes: HTTP, doc: 'Reads user:password lines from the secret dfp_users_<value>.', examples: { ok: 'monitoring', fail: '../etc/passwd' }, support: YES }),
  p({ name: 'usersPassEncrypted', scope: 'service', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Passwords in users/usersSecret are crypt(3) hashes (prefer SHA-512, $6$).', examples: { ok: 'true', fail: 'sha512' }, support: YES }),
  p({ name: 'nodeInfo', scope: 'service', shape: 'single', grammar: g.text, allowed: 'JSON sent by the listener', modes: ALL, doc: 'Node addresses sent by the listener with DF_INCLUDE_NODE_IP_INFO; accepted and not used for routing.', examples: { ok: '[["node-1","10.0.0.2","id"]]', fail: null }, support: YES }),
  // ---- per destination (indexable .N) ----------------------------------------------------------
  p({ name: 'servicePath', scope: 'destination', shape: 'list', grammar: g.token, allowed: 'paths without whitespace, quotes or #', modes: ['http', 'sni'], doc: 'Request paths routed to the service, matched by pathType (prefix by default). Mandatory in http mode unless serviceDomain is set.', examples: { ok: '/demo/hello,/demo/person', fail: '/demo\nbind :1' }, support: YES }),
  p({ name: 'servicePathExclude', scope: 'destination', shape: 'list', grammar: g.token, allowed: 'paths without whitespace, quotes or #', modes: HTTP, doc: 'Paths (path_beg) excluded from this destination.', examples: { ok: '/demo/private', fail: '/a b' }, support: YES }),
  p({ name: 'pathType', scope: 'destination', shape: 'single', grammar: g.oneOf(PATH_TYPES), allowed: PATH_TYPES.join(', '), default: 'path_beg', modes: ['http', 'sni'], doc: 'HAProxy fetch used to match servicePath.', examples: { ok: 'path_reg', fail: 'regex' }, support: YES }),
  p({ name: 'port', scope: 'destination', shape: 'single', grammar: g.port, allowed: 'port 1-65535', modes: ALL, doc: 'Port the service listens on inside the network. Mandatory.', examples: { ok: '8080', fail: '70000' }, support: YES }),
  p({ name: 'srcPort', scope: 'destination', shape: 'single', grammar: g.port, allowed: 'port 1-65535', modes: ALL, doc: 'Port the proxy listens on for this destination; mandatory for tcp (own frontend). In http it must be a bound port (DEFAULT_PORTS/BIND_PORTS).', examples: { ok: '6379', fail: '0' }, support: YES }),
  p({ name: 'httpsPort', scope: 'destination', shape: 'single', grammar: g.port, allowed: 'port 1-65535', modes: HTTP, doc: 'Service port that receives the requests arriving on srcHttpsPort (https).', examples: { ok: '8443', fail: 'https' }, support: YES }),
  p({ name: 'srcHttpsPort', scope: 'destination', shape: 'single', grammar: g.port, allowed: 'port 1-65535', default: '443', modes: HTTP, doc: 'Proxy port whose requests go to httpsPort.', examples: { ok: '443', fail: '65536' }, support: YES }),
  p({ name: 'serviceDomain', scope: 'destination', shape: 'list', grammar: g.domain, allowed: 'domains, optionally *-prefixed wildcards', modes: ['http', 'tcp'], doc: 'Host names routed to the service; a leading * matches any prefix (*.example.com).', examples: { ok: 'example.com,*.example.org', fail: 'exa mple.com' }, support: YES }),
  p({ name: 'serviceHeader', scope: 'destination', shape: 'list', grammar: g.headerMatch, allowed: 'Header:value items, all must match', modes: HTTP, doc: 'Route only requests carrying every listed header value.', examples: { ok: 'X-Version:2,X-Env:prod', fail: 'X-Version' }, support: YES }),
  p({ name: 'userAgent', scope: 'destination', shape: 'list', grammar: g.token, allowed: 'substrings without whitespace or quotes', modes: HTTP, doc: 'Route only requests whose User-Agent contains one of the values (case-insensitive).', examples: { ok: 'iphone,android', fail: 'Mozilla 5' }, support: YES }),
  p({ name: 'reqMode', scope: 'destination', shape: 'single', grammar: g.oneOf(REQ_MODES), allowed: REQ_MODES.join(', '), default: 'http', modes: ALL, doc: 'http routes by path/domain on the shared ports; tcp gets its own frontend on srcPort; sni routes TLS by SNI on srcPort.', examples: { ok: 'tcp', fail: 'udp' }, support: YES }),
  p({ name: 'reqPathSearchReplace', scope: 'destination', shape: 'pairs', grammar: g.searchReplacePair, allowed: 'regex,replacement pairs separated by :', modes: HTTP, doc: 'Rewrites the path before it reaches the service: http-request set-path %[path,regsub(search,replace)].', examples: { ok: '/something/.*,/demo/hello', fail: '/x(,/y' }, support: YES }),
  p({ name: 'allowedMethods', scope: 'destination', shape: 'list', grammar: g.method, allowed: 'HTTP method names', modes: HTTP, doc: 'Only these methods pass; others get 403.', examples: { ok: 'GET,HEAD', fail: 'GET POST' }, support: YES }),
  p({ name: 'deniedMethods', scope: 'destination', shape: 'list', grammar: g.method, allowed: 'HTTP method names', modes: HTTP, doc: 'These methods get 403.', examples: { ok: 'DELETE', fail: 'DE-LETE' }, support: YES }),
  p({ name: 'denyHttp', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Plain HTTP requests get 403 (only TLS passes).', examples: { ok: 'true', fail: 'deny' }, support: YES }),
  p({ name: 'httpsOnly', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'env HTTPS_ONLY (false)', modes: HTTP, doc: 'Plain HTTP requests are redirected to https.', examples: { ok: 'true', fail: 'https' }, support: YES }),
  p({ name: 'httpsRedirectCode', scope: 'destination', shape: 'single', grammar: g.oneOf(REDIRECT_CODES), allowed: REDIRECT_CODES.join(', '), default: '302', modes: HTTP, doc: 'Status code of the https redirects.', examples: { ok: '301', fail: '200' }, support: YES }),
  p({ name: 'redirectFromDomain', scope: 'destination', shape: 'list', grammar: g.domain, allowed: 'domains', modes: HTTP, doc: 'Requests for these hosts get a 301 to the first serviceDomain.', examples: { ok: 'old.example.com', fail: 'old example' }, support: YES }),
  p({ name: 'ignoreAuthorization', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'This destination skips users/USERS authentication.', examples: { ok: 'true', fail: 'skip' }, support: YES }),
  p({ name: 'outboundHostname', scope: 'destination', shape: 'single', grammar: g.hostname, allowed: 'host name or IPv4 address', modes: ['http', 'tcp'], doc: 'Send traffic to this host instead of the Swarm service (services outside the Swarm).', examples: { ok: 'api.internal.example.com', fail: 'http://x' }, support: YES }),
  p({ name: 'sslVerifyNone', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Talk TLS to the service without verifying its certificate (ssl verify none).', examples: { ok: 'true', fail: 'none' }, support: YES }),
  p({ name: 'verifyClientSsl', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: HTTP, doc: 'Require a verified client certificate (needs CA_FILE).', examples: { ok: 'false', fail: 'required' }, support: { kind: 'no', reason: 'client certificate verification (CA_FILE) is not supported yet' } }),
  p({ name: 'timeoutServer', scope: 'destination', shape: 'single', grammar: g.seconds, allowed: 'seconds', default: 'env TIMEOUT_SERVER (20)', modes: ['http', 'tcp'], doc: 'timeout server for this backend, in seconds.', examples: { ok: '60', fail: '60s' }, support: YES }),
  p({ name: 'timeoutTunnel', scope: 'destination', shape: 'single', grammar: g.seconds, allowed: 'seconds', default: 'env TIMEOUT_TUNNEL (3600)', modes: ['http', 'tcp'], doc: 'timeout tunnel (websockets, tcp) for this backend, in seconds.', examples: { ok: '7200', fail: '1h' }, support: YES }),
  p({ name: 'timeoutClient', scope: 'destination', shape: 'single', grammar: g.seconds, allowed: 'seconds', default: 'env TIMEOUT_CLIENT (20)', modes: ['tcp', 'sni'], doc: 'timeout client of the tcp frontend, in seconds.', examples: { ok: '30', fail: 'thirty' }, support: YES }),
  p({ name: 'checkTcp', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: TCP, doc: 'Health-check tcp servers (option tcp-check).', examples: { ok: 'true', fail: 'check' }, support: YES }),
  p({ name: 'clitcpka', scope: 'destination', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: ['tcp', 'sni'], doc: 'TCP keep-alive towards clients (option clitcpka).', examples: { ok: 'true', fail: 'ka' }, support: YES }),
  p({ name: 'serviceGroup', scope: 'destination', shape: 'single', grammar: g.identifier, allowed: 'group name', modes: TCP, doc: 'TCP group: several services behind one listen section.', examples: { ok: null, fail: 'redis' }, support: { kind: 'no', reason: 'tcp service groups are not supported: give each tcp service its own srcPort' } }),
  p({ name: 'balanceGroup', scope: 'destination', shape: 'single', grammar: g.identifier, allowed: 'balance algorithm', modes: TCP, doc: 'Balance algorithm of a TCP group.', examples: { ok: null, fail: 'roundrobin' }, support: { kind: 'no', reason: 'tcp service groups are not supported: give each tcp service its own srcPort' } }),
  p({ name: 'userDef', scope: 'destination', shape: 'single', grammar: g.text, allowed: 'free text', modes: ALL, doc: 'Free value for custom templates; stored and shown, not used.', examples: { ok: 'anything', fail: null }, support: YES }),
  // ---- read by the listener only ---------------------------------------------------------------
  p({ name: 'notify', scope: 'listener', shape: 'single', grammar: g.text, allowed: 'true', modes: ALL, doc: 'com.df.notify=true selects the service (DF_NOTIFY_LABEL); not sent.', examples: { ok: 'true', fail: null }, support: YES }),
  p({ name: 'shortName', scope: 'listener', shape: 'single', grammar: g.bool, allowed: 'true or false', default: 'false', modes: ALL, doc: 'true: the stack prefix (<stack>_) is trimmed from serviceName.', examples: { ok: 'true', fail: 'short' }, support: YES }),
];

export const PARAMS_BY_NAME: ReadonlyMap<string, ParamDef> = new Map(PARAMS.map((d) => [d.name, d]));

/** Parameters that make a destination `N` exist when given as `name.N` (dfp-reference 1b). */
export const DESTINATION_KEYS = ['servicePath', 'port', 'serviceDomain', 'httpsPort'] as const;
export const MAX_INDEX = 10;

/** Namespaces other Docker Flow tools put under com.df.* (Docker Flow Monitor); accepted and ignored. */
export const FOREIGN_PREFIXES = ['alert', 'scrape'] as const;
