import { applyMemoryFlags, deferModules } from '@flowproxy/runtime/memory';

/**
 * The first import of main.ts: V8 flags and lazily loaded dependencies that keep the control plane
 * under its 80 MB RSS target at 1,000 services (DESIGN.md section 9; why and how much:
 * @flowproxy/runtime/memory). main.ts imports it and only then `await import()`s app/run.ts, so the
 * flags are set before the rest of the module graph loads (~5 MB less than a static import).
 */
export const memoryFlags = applyMemoryFlags();

export const deferredModules = deferModules(import.meta.url, [
  // prom-client: OpenTelemetry exemplars, off unless enableExemplars is set.
  { chain: ['prom-client', '@opentelemetry/api'], kind: 'object' },
  // express: no raw bodies, no files served, no content negotiation, no extended (qs) parsing.
  { chain: ['express', 'body-parser', './lib/types/raw'], kind: 'function' },
  { chain: ['express', 'serve-static'], kind: 'function' },
  { chain: ['express', 'send'], kind: 'function' },
  { chain: ['express', 'accepts'], kind: 'function' },
  { chain: ['express', 'qs'], kind: 'object' },
  // winston: used when a logger ends (flush of its transports) and by queries.
  { chain: ['winston', 'async/forEach'], kind: 'function' },
]);
