import { applyMemoryFlags, deferModules } from '@flowproxy/runtime/memory';

/**
 * Imported first by main.ts: V8 flags and lazily loaded dependencies that keep the control plane
 * under its 80 MB RSS target at 1,000 services (DESIGN.md section 9; the measurements are in
 * @flowproxy/runtime/memory and docs/ARCHITECTURE.md).
 */
export const memoryFlags = applyMemoryFlags();

export const deferredModules = deferModules(import.meta.url, [
  // prom-client: OpenTelemetry exemplars, off unless enableExemplars is set.
  { chain: ['prom-client', '@opentelemetry/api'], kind: 'object' },
]);
