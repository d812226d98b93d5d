import { ServiceBuildCache } from './build-cache.js';
import { buildModel, type Built } from './build-model.js';
import { render } from './render-model.js';
import type { RenderedConfig, RenderInput } from './settings.js';

/**
 * The routing state as haproxy.cfg plus the map and crt-list files. Pure and deterministic: the
 * runtime writes `haproxyCfg` to `<configDir>/haproxy.cfg` and each file to `<configDir>/<name>`.
 * Services that cannot be rendered are left out and named in `warnings`; the others still work.
 */
export function renderConfig(input: RenderInput): RenderedConfig {
  return render(buildModel(input));
}

/**
 * renderConfig with a memory: each service's sections are built and written out once per spec
 * and reused by later renders (same bytes as renderConfig). One per proxy: the cache follows the
 * settings of the last render.
 */
export function incrementalRenderer(): (input: RenderInput) => RenderedConfig {
  const cache = new ServiceBuildCache<Built>();
  return (input) => render(buildModel(input, cache));
}

export { buildModel } from './build-model.js';
export { render, modelLineCount } from './render-model.js';
export { RenderError } from './errors.js';
export type { HaproxyModel } from './model.js';
