/** What the master CLI's `show proc` says about the master and its current workers (HAProxy 2.6 format). */
export interface ProcInfo {
  readonly masterPid: number;
  readonly reloads: number;
  readonly failedReloads: number;
  /** Current workers (not the old ones still draining). */
  readonly workers: readonly number[];
}

/**
 * Parses `show proc`:
 * ```
 * #<PID>          <type>          <reloads>       <uptime>        <version>
 * 21447           master          2 [failed: 1]   0d00h00m01s     2.6.12
 * # workers
 * 21459           worker          1               0d00h00m01s     2.6.12
 * # old workers
 * ```
 */
export function parseShowProc(text: string): ProcInfo | undefined {
  let section = '';
  let master: { pid: number; reloads: number; failed: number } | undefined;
  const workers: number[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('#')) {
      section = t.startsWith('#<') ? '' : t.slice(1).trim();
      continue;
    }
    const m = /^([0-9]+)\s+(master|worker)\s+([0-9]+)(?:\s+\[failed:\s*([0-9]+)\])?/.exec(t);
    if (!m) continue;
    if (m[2] === 'master') master = { pid: Number(m[1]), reloads: Number(m[3]), failed: Number(m[4] ?? 0) };
    else if (section === 'workers') workers.push(Number(m[1]));
  }
  return master
    ? { masterPid: master.pid, reloads: master.reloads, failedReloads: master.failed, workers }
    : undefined;
}
