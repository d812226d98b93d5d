import { join } from 'node:path';
import { REPO_ROOT } from '@flowproxy/testkit';

export interface SoakOptions {
  /** Length of the churn; the final settle and check come after it. */
  readonly minutes: number;
  /** Seconds between checkpoints (churn pauses, state settles, samples and routing are checked). */
  readonly checkpointSeconds: number;
  /** Milliseconds between two churn operations (each is one docker CLI call). */
  readonly opIntervalMs: number;
  /** Live churn services never exceed this. */
  readonly maxServices: number;
  /** How long a checkpoint waits for the proxy to match the Swarm before it counts mismatches. */
  readonly settleSeconds: number;
  /** Milliseconds between two requests of the background loop to the stable service. */
  readonly loadIntervalMs: number;
  readonly outDir: string;
  readonly seed: number;
}

const DEFAULTS: SoakOptions = {
  minutes: 30,
  checkpointSeconds: 30,
  opIntervalMs: 3000,
  maxServices: 12,
  settleSeconds: 25,
  loadIntervalMs: 100,
  outDir: join(REPO_ROOT, 'bench', 'results'),
  seed: Date.now() % 2147483647,
};

const FLAGS: Record<string, keyof SoakOptions> = {
  '--minutes': 'minutes',
  '--checkpoint-seconds': 'checkpointSeconds',
  '--op-interval-ms': 'opIntervalMs',
  '--max-services': 'maxServices',
  '--settle-seconds': 'settleSeconds',
  '--load-interval-ms': 'loadIntervalMs',
  '--out': 'outDir',
  '--seed': 'seed',
};

/** `npm run soak -- --minutes 3 [--max-services 8] ...`; numbers must be positive. */
export function parseOptions(argv: readonly string[]): SoakOptions {
  const out: Record<string, number | string> = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const key = FLAGS[flag];
    const raw = argv[i + 1];
    if (!key || raw === undefined)
      throw new Error(
        `soak: unknown or incomplete option '${flag}' (allowed: ${Object.keys(FLAGS).join(', ')})`,
      );
    if (key === 'outDir') {
      out[key] = raw;
      continue;
    }
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`soak: ${flag} must be a positive number, got '${raw}'`);
    out[key] = n;
  }
  return out as unknown as SoakOptions;
}
