import { MAP_FILES } from '../config/names.js';
import type { RenderedConfig } from '../config/settings.js';
import { cliSafe, type MapEdit } from '../haproxy/runtime-api.js';

const MAPS: ReadonlySet<string> = new Set(Object.values(MAP_FILES));

/** More edits than this go through a reload: one reload is cheaper than thousands of CLI commands. */
export const MAX_RUNTIME_EDITS = 500;

/** `key value` lines of a rendered map file (keys and values are single words). */
function entries(content: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of content.split('\n')) {
    if (line === '') continue;
    const sp = line.indexOf(' ');
    out.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return out;
}

/**
 * What HAProxy can take without a reload: when `candidate` differs from what runs only in the
 * entries of map files that exist in both (same haproxy.cfg, same other files), the map edits
 * that turn one into the other, adds before sets before deletes (a route that moves never
 * vanishes in between). Undefined when anything else changed, when a key or value could not
 * travel on the runtime API as exactly itself, or when there are more than `max` edits.
 */
export function runtimePlan(
  running: RenderedConfig | undefined,
  candidate: RenderedConfig,
  max = MAX_RUNTIME_EDITS,
): MapEdit[] | undefined {
  if (!running || running.haproxyCfg !== candidate.haproxyCfg) return undefined;
  const names = new Set([...Object.keys(running.files), ...Object.keys(candidate.files)]);
  const adds: MapEdit[] = [];
  const sets: MapEdit[] = [];
  const dels: MapEdit[] = [];
  for (const file of names) {
    const before = running.files[file];
    const after = candidate.files[file];
    if (before === after) continue;
    // A map that appears or empties changes haproxy.cfg too (its lookup line); anything else reloads.
    if (!MAPS.has(file) || before === undefined || after === undefined) return undefined;
    const was = entries(before);
    const now = entries(after);
    for (const [key, value] of now) {
      const old = was.get(key);
      if (old === undefined) adds.push({ op: 'add', file, key, value });
      else if (old !== value) sets.push({ op: 'set', file, key, value });
    }
    for (const key of was.keys()) if (!now.has(key)) dels.push({ op: 'del', file, key });
  }
  const edits = [...adds, ...sets, ...dels];
  if (edits.length === 0 || edits.length > max) return undefined;
  const sendable = edits.every((e) => cliSafe(e.key) && (e.op === 'del' || cliSafe(e.value)));
  return sendable ? edits : undefined;
}
