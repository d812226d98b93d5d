import { applyMemoryFlags, deferModules } from '@flowproxy/runtime/memory';

/**
 * Imported first by main.ts (before any other module loads): V8 flags and lazily loaded
 * dependencies that keep the listener under its 60 MB RSS target (DESIGN.md section 9; the
 * measurements are in @flowproxy/runtime/memory and docs/ARCHITECTURE.md).
 */
export const memoryFlags = applyMemoryFlags();

/**
 * Dependencies of dependencies that load eagerly for features the listener never uses; each still
 * loads on first use. About 8 MB RSS together, most of it gRPC + protobuf + ssh2.
 */
export const deferredModules = deferModules(import.meta.url, [
  // dockerode: BuildKit sessions (buildImage with a BuildKit version): @grpc/grpc-js + protobufjs.
  { chain: ['dockerode', './session'], kind: 'function' },
  // dockerode: tar packing of a build context.
  { chain: ['dockerode', 'tar-fs'], kind: 'object' },
  // docker-modem: the ssh:// transport (DOCKER_HOST=ssh://...), which env.ts does not accept.
  { chain: ['dockerode', 'docker-modem', './ssh'], kind: 'function' },
  // axios: multipart bodies and HTTPS-through-a-proxy, neither used for notifications.
  { chain: ['axios', 'form-data'], kind: 'function' },
  { chain: ['axios', 'https-proxy-agent'], kind: 'function' },
  // prom-client: OpenTelemetry exemplars, off unless enableExemplars is set.
  { chain: ['prom-client', '@opentelemetry/api'], kind: 'object' },
]);
