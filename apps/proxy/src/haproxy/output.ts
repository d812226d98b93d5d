/**
 * HAProxy's own output, line by line. At every reload the old worker prints one "Proxy <name>
 * stopped" line per frontend and backend, and the new one a "changed from server-state after a
 * reload" line per server whose state it restored: 20,000 lines per reload at 10,000 services.
 * Logged one by one they cost the control plane about 2.5 s of CPU per reload (measured, `--cpu-prof`
 * at 10,000 services: 5 of 12 busy seconds over eight changes were these lines in the logger). They
 * say nothing per line that the reload's own log does not, so they are counted and summarized.
 */
export type RoutineKind = 'proxyStopped' | 'serverStateRestored';

const ROUTINE: readonly [RoutineKind, RegExp][] = [
  ['proxyStopped', /^\[WARNING\]\s+\([0-9]+\) : Proxy \S+ stopped \(cumulated conns: /],
  [
    'serverStateRestored',
    /^\[WARNING\]\s+\([0-9]+\) : config : Server \S+ is \S+, changed from server-state after a reload\./,
  ],
];

/** The routine kind of one output line, or undefined for a line worth logging on its own. */
export function routineKind(line: string): RoutineKind | undefined {
  if (!line.startsWith('[WARNING]')) return undefined;
  for (const [kind, re] of ROUTINE) if (re.test(line)) return kind;
  return undefined;
}

/** The level an output line is logged at on its own. */
export const outputLevel = (line: string): 'warn' | 'info' =>
  /^\[(ALERT|WARNING)\]/.test(line) ? 'warn' : 'info';

/**
 * Counts routine lines and hands the counts to `flush` once `windowMs` after the first of a run
 * (a reload's lines arrive within milliseconds of each other), so one line summarizes them.
 */
export class RoutineSummary {
  private counts: Partial<Record<RoutineKind, number>> = {};
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly flush: (counts: Partial<Record<RoutineKind, number>>) => void,
  ) {}

  add(kind: RoutineKind): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.timer) return;
    this.timer = setTimeout(() => this.emit(), this.windowMs);
    this.timer.unref();
  }

  /** Emits what is counted now (also when the process stops). */
  emit(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const counts = this.counts;
    this.counts = {};
    if (Object.keys(counts).length > 0) this.flush(counts);
  }
}
