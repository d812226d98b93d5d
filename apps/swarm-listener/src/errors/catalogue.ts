import type { ErrorCatalogue } from '@flowproxy/runtime';

/**
 * Every error code the listener's API answers, its HTTP status and meaning (docs/ERRORS.md is
 * generated from this table). Adding a code is one line here; api/server.ts answers it with
 * `errorBody` from @flowproxy/runtime, the body shape the proxy uses too.
 */
export const LISTENER_ERRORS = {
  UNAUTHORIZED: {
    status: 401,
    meaning:
      'API credentials are set (`API_USER`/`API_PASS` or `API_TOKEN`) and the request carries none or wrong ones; every endpoint but `ping` needs them.',
  },
  NOT_FOUND: { status: 404, meaning: 'No such endpoint under `/v1/docker-flow-swarm-listener/`.' },
  DOCKER_API: { status: 500, meaning: '`get-nodes`: the Docker API call failed.' },
  INTERNAL: { status: 500, meaning: 'An unexpected error; the log has the details.' },
  NOT_READY: {
    status: 503,
    meaning:
      '`get-services`: the first reconcile with Docker has not finished within 10 s (Docker not reachable yet).',
  },
} as const satisfies ErrorCatalogue;

export type ListenerErrorCode = keyof typeof LISTENER_ERRORS;
