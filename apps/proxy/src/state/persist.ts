import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceSpec } from '@flowproxy/protocol';
import { canonicalJsonOfFrozen } from './hash.js';
import { sortedServices, type Services } from './routing-state.js';

const FORMAT = 1;

export const stateFile = (configDir: string): string => join(configDir, 'state.json');

/**
 * Writes the accepted services atomically (temp file + rename): a crash leaves the old or the new
 * file. One service per line, in the canonical JSON the state hash already computed for it (specs
 * are immutable), so saving 10,000 services after one change serializes one.
 */
export function saveState(file: string, services: Services): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const lines = sortedServices(services).map(canonicalJsonOfFrozen);
  writeFileSync(tmp, `{"format":${FORMAT},"services":[\n${lines.join(',\n')}\n]}\n`);
  renameSync(tmp, file);
}

/**
 * saveState off the answer's path: the newest services are written once the current turn of the
 * event loop is over, so the reply to a change does not wait for the file (7 MB at 10,000
 * services, about 120 ms of CPU per change, measured with `--cpu-prof`), and changes that settle
 * in one turn are written once. `flush` writes at once (stop). A crash between the answer and the
 * write loses at most that change from the file; the listener's resync brings it back.
 */
export function deferredSaver(
  file: string,
  onError: (error: Error) => void,
): { save(services: Services): void; flush(): void } {
  let pending: Services | undefined;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const services = pending;
    pending = undefined;
    if (!services) return;
    // Off the answer's path nobody awaits the write: a failure (disk full, read-only directory)
    // is reported, never thrown, and the next change tries again with the whole state.
    try {
      saveState(file, services);
    } catch (e) {
      onError(e as Error);
    }
  };
  return {
    save(services) {
      pending = services;
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
    flush,
  };
}

/** The services saved by a previous run; an absent file is an empty state, a corrupt one an error. */
export function loadState(file: string): ServiceSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const data = JSON.parse(text) as { format?: number; services?: ServiceSpec[] };
  if (data.format !== FORMAT || !Array.isArray(data.services))
    throw new Error(`${file}: unknown state format`);
  return data.services;
}
