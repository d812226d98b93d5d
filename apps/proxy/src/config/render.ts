import { buildModel } from './build-model.js';
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

export { buildModel } from './build-model.js';
export { render, modelLineCount } from './render-model.js';
export { RenderError } from './errors.js';
export type { HaproxyModel } from './model.js';
