import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedConfig } from '../config/settings.js';
import type { Change } from '../state/routing-state.js';
import { readIfExists, writeAtomic, writeRendered } from './files.js';

type CertChange = Extract<Change, { kind: 'cert' }>;

export class ReloadFailedError extends Error {
  readonly code = 'RELOAD_FAILED';
}

/**
 * Writing and reloading: puts new certificates and a rendered configuration in place (each file
 * by rename, haproxy.cfg last) and reloads HAProxy. When HAProxy refuses, the previous files and
 * certificates are put back and reloaded, and ReloadFailedError is thrown: the live state never
 * differs from the last confirmed one.
 */
export class LiveWriter {
  constructor(
    private readonly deps: {
      readonly configDir: string;
      readonly certsDir: string;
      readonly reload: () => Promise<void>;
      readonly onRestoreFailed: (error: Error) => void;
    },
  ) {}

  /** Writes (or, `pem: null`, deletes) the certificates of `certs` before rendering: the crt-list lists the files on disk. */
  writeCerts(certs: readonly CertChange[]): { restore(): void } {
    const previous = certs.map((c) => ({
      file: join(this.deps.certsDir, c.name),
      content: readIfExists(join(this.deps.certsDir, c.name)),
    }));
    mkdirSync(this.deps.certsDir, { recursive: true });
    for (const c of certs) {
      const file = join(this.deps.certsDir, c.name);
      if (c.pem === null) rmSync(file, { force: true });
      else writeAtomic(file, c.pem);
    }
    return {
      restore: () => {
        for (const pc of previous) {
          if (pc.content === undefined) rmSync(pc.file, { force: true });
          else writeAtomic(pc.file, pc.content);
        }
      },
    };
  }

  /** Writes `rendered` over `previous` and reloads; on refusal restores `previous` (and `certs`) and throws. */
  async apply(
    rendered: RenderedConfig,
    previous: RenderedConfig | undefined,
    certs: { restore(): void },
  ): Promise<void> {
    writeRendered(this.deps.configDir, rendered, previous);
    try {
      await this.deps.reload();
    } catch (e) {
      certs.restore();
      if (previous) {
        writeRendered(this.deps.configDir, previous, rendered);
        await this.deps.reload().catch((err: Error) => this.deps.onRestoreFailed(err));
      }
      throw new ReloadFailedError(
        `HAProxy reload failed, the previous configuration was restored: ${(e as Error).message}`,
      );
    }
  }
}
