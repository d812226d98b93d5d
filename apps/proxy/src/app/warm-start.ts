import type { Logger } from '@flowproxy/runtime';
import { RESOLVERS } from '../config/names.js';
import { awaitFirstResolution, darkConfig, usesDnsNames } from '../haproxy/first-resolution.js';
import type { WarmStart } from '../haproxy/master.js';
import { readIfExists, writeAtomic } from '../reload/files.js';

/** Longest a fresh start stays dark waiting for the first DNS answers (Docker's DNS answers in ms). */
export const FIRST_RESOLUTION_MS = 1000;

/**
 * The two steps of a fresh HAProxy start (haproxy/first-resolution.ts): dark until the resolvers'
 * first answers are in, then the real configuration. `running` is the pipeline's configuration at
 * the time it is asked: a change applied during the dark step has already written the file (its
 * reload waits for the start), so the file is put back only while it still holds the dark text.
 */
export function firstResolutionStart(opts: {
  readonly cfgFile: string;
  readonly adminSock: string;
  readonly running: () => string | undefined;
  readonly logger: Logger;
  readonly boundMs?: number;
}): WarmStart {
  let dark: string | undefined;
  let real: string | undefined;
  return {
    prepare() {
      real = opts.running();
      if (real === undefined || !usesDnsNames(real)) return false;
      dark = darkConfig(real);
      writeAtomic(opts.cfgFile, dark);
      return true;
    },
    async settle() {
      const r = await awaitFirstResolution(opts.adminSock, RESOLVERS, opts.boundMs ?? FIRST_RESOLUTION_MS);
      opts.logger.log(r.done ? 'info' : 'warn', 'first DNS answers before the public ports bind', {
        event: 'haproxy.first-resolution',
        done: r.done,
        waitedMs: r.waitedMs,
        names: r.progress?.names,
        unresolved: r.progress?.unresolved,
      });
      if (readIfExists(opts.cfgFile) === dark) writeAtomic(opts.cfgFile, opts.running() ?? real ?? '');
    },
  };
}
