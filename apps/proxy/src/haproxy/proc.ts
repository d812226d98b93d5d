import { readFileSync } from 'node:fs';

/** State (R, S, Z, …) and start time (clock ticks since boot) of a process, from /proc/<pid>/stat. */
export function processStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * True while a process runs. A zombie counts as gone: an orphaned HAProxy master (adopted from a
 * control plane that died) is reparented to PID 1, and not every PID 1 reaps its orphans.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return processStat(pid)?.state !== 'Z';
}
