import type { ErrorCatalogue } from '@flowproxy/runtime';

/**
 * Every error code the proxy's API answers, its HTTP status and meaning (docs/ERRORS.md is
 * generated from this table). Statuses follow upstream where upstream has the case. Adding a code
 * is one line here; control/ returns it in a `Failure` and api/reply.ts maps it to HTTP.
 */
export const PROXY_ERRORS = {
  PARAM_INVALID: {
    status: 400,
    meaning:
      'A parameter (query, form or JSON body; a label through the listener) is invalid, unknown or missing. `errors[]` names each parameter with its own issue code (`PARAM_INVALID`, `PARAM_UNKNOWN`, `INDEX_INVALID`, ...).',
  },
  PATH_OR_DOMAIN_REQUIRED: {
    status: 409,
    meaning:
      'The service has neither `servicePath` nor `serviceDomain` (nor a TCP port): nothing to route. 409 as upstream, which the listener counts as delivered.',
  },
  RENDER_REJECTED: {
    status: 400,
    meaning:
      'The service cannot be written into the configuration (a value unsafe for haproxy.cfg, or a backend/userlist name another service already uses). Other services are unaffected.',
  },
  HAPROXY_REJECTED: {
    status: 400,
    meaning:
      '`haproxy -c` refused the configuration with this change; only the changes that break it are rejected. `errors[0].param` names the parameter whose value is on the offending line.',
  },
  CERT_INVALID: {
    status: 400,
    meaning:
      'A certificate (`serviceCert`, or the body of `PUT cert`) is not a PEM certificate with its private key that HAProxy can load.',
  },
  BODY_INVALID: {
    status: 400,
    meaning: 'The request body cannot be parsed (malformed JSON, a bad encoding).',
  },
  NO_LISTENER: { status: 400, meaning: '`reload?fromListener=true` needs `LISTENER_ADDRESS`.' },
  UNAUTHORIZED: {
    status: 401,
    meaning:
      'API credentials are set (`API_USER`/`API_PASS` or `API_TOKEN`) and the request carries none or wrong ones. `ping` and `healthy` stay open.',
  },
  NOT_FOUND: { status: 404, meaning: 'No such endpoint.' },
  METHOD_NOT_ALLOWED: { status: 405, meaning: 'The endpoint does not take this method (`cert` takes PUT).' },
  BODY_TOO_LARGE: { status: 413, meaning: 'The request body is larger than the API accepts (5 MB).' },
  BODY_UNSUPPORTED: {
    status: 415,
    meaning: 'The request body has a charset or content encoding the API does not read.',
  },
  RELOAD_FAILED: {
    status: 500,
    meaning:
      'HAProxy did not take the new configuration (reload refused, or no new worker in time); the previous files were restored and reloaded, the state is unchanged.',
  },
  DISTRIBUTE_FAILED: {
    status: 500,
    meaning:
      '`distribute=true`: some replica did not apply the request (`replicas[]` has each outcome), or the replicas could not be looked up. When every replica refused with the same 4xx, that status is answered instead of 500.',
  },
  LISTENER_UNREACHABLE: {
    status: 500,
    meaning: '`reload?fromListener=true`: the listener did not answer `notify-services`.',
  },
  NO_CONFIG: { status: 500, meaning: '`config`: no configuration has been written yet.' },
  INTERNAL: { status: 500, meaning: 'An unexpected error; the log has the details.' },
  METRICS_UNAVAILABLE: {
    status: 500,
    meaning: "`metrics` (upstream's CSV): HAProxy's statistics could not be read, here or on a replica.",
  },
  NOT_READY: {
    status: 503,
    meaning:
      '`successfulinitreload`/`healthy`: the initial state from the listener is not applied yet (within `LISTENER_WAIT` for `healthy`).',
  },
  NOT_IN_SYNC: {
    status: 503,
    meaning:
      '`ready`: the latest answer of the listener is not applied (the initial sync is pending, or the last resync failed); the replica serves what it has.',
  },
} as const satisfies ErrorCatalogue;

export type ProxyErrorCode = keyof typeof PROXY_ERRORS;
