import { applyMemoryFlags, deferModules } from '@flowproxy/runtime/memory';

/**
 * Imported first by main.ts (before any other module loads): V8 flags and lazily loaded
 * dependencies that keep the listener under its 60 MB RSS target (DESIGN.md section 9; why and
 * how much: @flowproxy/runtime/memory).
 */
export const memoryFlags = applyMemoryFlags();

/**
 * Dependencies of dependencies that load eagerly for features the listener never uses; each still
 * loads on first use. ~8 MB RSS together, most of it gRPC + protobuf + ssh2.
 */
export const deferredModules = deferModules(import.meta.url, [
  // dockerode: BuildKit sessions (buildImage with a BuildKit version): @grpc/grpc-js + protobufjs.
  { chain: ['dockerode', './session'], kind: 'function' },
  // Not tar-fs: deferring it delayed healthy-container notifications by ~2 s in the integration
  // test (found by bisecting the list); it is small, so it loads eagerly.
  // docker-modem: the ssh:// transport (DOCKER_HOST=ssh://...), which env.ts does not accept.
  { chain: ['dockerode', 'docker-modem', './ssh'], kind: 'function' },
  // axios: multipart bodies and HTTPS-through-a-proxy, neither used for notifications.
  { chain: ['axios', 'form-data'], kind: 'function' },
  { chain: ['axios', 'https-proxy-agent'], kind: 'function' },
  // prom-client: OpenTelemetry exemplars, off unless enableExemplars is set.
  { chain: ['prom-client', '@opentelemetry/api'], kind: 'object' },
  // express: the API reads no request bodies, serves no files and negotiates nothing.
  { chain: ['express', 'body-parser', './lib/types/json'], kind: 'function' },
  { chain: ['express', 'body-parser', './lib/types/raw'], kind: 'function' },
  { chain: ['express', 'body-parser', './lib/types/text'], kind: 'function' },
  { chain: ['express', 'body-parser', './lib/types/urlencoded'], kind: 'function' },
  { chain: ['express', 'serve-static'], kind: 'function' },
  { chain: ['express', 'send'], kind: 'function' },
  { chain: ['express', 'accepts'], kind: 'function' },
  { chain: ['express', 'qs'], kind: 'object' },
  // winston: used when a logger ends (flush of its transports) and by queries.
  { chain: ['winston', 'async/forEach'], kind: 'function' },
]);
