import fc from 'fast-check';

/** Values meant to break out of an HAProxy line or token, mixed with ordinary ones. */
export const hostile = fc.oneof(
  fc.constantFrom(
    'a\nbind :1',
    "x' y",
    'a b',
    '#c',
    '\\',
    '%[src]',
    '{{.X}}',
    '/p\r\nuse_backend x',
    'é',
    '/a,/b',
    'k:v',
    '',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.stringMatching(/^\/[a-z]{1,6}$/),
);

const m = (re: RegExp): fc.Arbitrary<string> => fc.stringMatching(re);
/** Mostly values the protocol accepts (so they reach the renderer), sometimes hostile ones. */
export const VALID: Record<string, fc.Arbitrary<string>> = {
  servicePath: m(/^\/[a-z.~%$()]{0,5}(,\/[a-z]{1,4})?$/),
  serviceDomain: m(/^(\*\.)?[a-z]{1,5}\.(com|org)(:[0-9]{2,4})?$/),
  // A stray % is an invalid log-format that haproxy -c rejects (the runtime's check catches it): only %[src] here.
  addReqHeader: m(/^X-[A-Z][a-z]{1,4} [a-z [\]{}$#]{1,10}( %\[src\])?$/),
  setResHeader: m(/^X-[A-Z][a-z]{1,4} [a-z ;=]{1,10}$/),
  delReqHeader: m(/^X-[A-Za-z]{1,5}$/),
  users: m(/^[a-z]{1,4}:[a-zA-Z0-9#$%&*.!;{}[\]]{1,8}$/),
  reqPathSearchReplace: m(/^\/[a-z()|.*\\^$[\]]{1,6},\/[a-z\\1]{0,4}$/),
  serviceHeader: m(/^X-[a-z]{1,3}:[a-z0-9]{1,4}$/),
  userAgent: m(/^[a-z]{1,5}(,[a-z]{1,5})?$/),
  allowedMethods: fc.constantFrom('GET', 'GET,HEAD', 'post'),
  redirectFromDomain: m(/^[a-z]{1,5}\.net$/),
  outboundHostname: m(/^[a-z]{1,5}\.lan$/),
  aclName: m(/^[a-z0-9_.-]{1,8}$/),
  servicePathExclude: m(/^\/[a-z]{1,5}$/),
  compressionType: fc.constantFrom('text/html', 'text/html text/plain'),
  pathType: fc.constantFrom('path', 'path_beg', 'path_reg', 'url_sub', 'path_end'),
  serviceDomainAlgo: fc.constantFrom('hdr(host)', 'hdr_dom(host)', 'hdr_end(host)', 'req.ssl_sni'),
  port: fc.integer({ min: 1, max: 65535 }).map(String),
  srcPort: fc.constantFrom('80', '8080', '443'),
  httpsPort: fc.integer({ min: 1, max: 65535 }).map(String),
  connectionMode: fc.constantFrom('http-server-close', 'httpclose'),
};

const weighted = (k: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 4, arbitrary: VALID[k] as fc.Arbitrary<string> }, { weight: 1, arbitrary: hostile });
/** A few parameters at a time, so that a good share of specs is accepted and reaches the renderer. */
export const specArb = fc
  .uniqueArray(fc.constantFrom(...Object.keys(VALID)), { minLength: 1, maxLength: 5 })
  .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, weighted(k)]))))
  .map((params) => ({ serviceName: 'svc', port: '8080', servicePath: '/x', ...params }));
