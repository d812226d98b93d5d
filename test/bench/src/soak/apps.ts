import { dk, run } from '../../../e2e/support/exec.js';

/**
 * The apps' HTTP APIs (the stack publishes only 80/443): curl in the container's network namespace
 * (nsenter, the soak runs as root), resolving the body text. A `docker exec node` would start a
 * Node process in the container each time: on a loaded machine that load is what the soak measures.
 */
export async function execGet(container: string, url: string): Promise<string> {
  const pid = await dk('inspect', '-f', '{{.State.Pid}}', container);
  if (!(Number(pid) > 0)) throw new Error(`container ${container} is not running`);
  return (await run('nsenter', ['-t', pid, '-n', 'curl', '-sS', '--fail', '--max-time', '10', url])).stdout;
}

export const PROXY_API = 'http://127.0.0.1:8080/v1/docker-flow-proxy';
export const PROXY_METRICS = 'http://127.0.0.1:8080/metrics';
export const LISTENER_METRICS = 'http://127.0.0.1:8080/metrics';

/** Sum of a Prometheus series over its label sets whose line contains `filter`. */
export function metricSum(text: string, name: string, filter = ''): number {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name) && line.includes(filter) && /^[a-z_]+(\{[^}]*\})? /.test(line))
      sum += Number(line.split(' ').pop());
  return sum;
}

export interface LogSummary {
  readonly lines: number;
  readonly errors: number;
  readonly warnings: number;
  /** The first error lines, for the report. */
  readonly firstErrors: string[];
  /**
   * Proxy only: resyncs that changed the state (`synced from the listener`, applied + removed > 0),
   * not counting each task's first sync (a new task fetches everything).
   */
  readonly resyncChanges: { readonly time: string; readonly applied: number; readonly removed: number }[];
}

/**
 * Reads the JSON log lines of a service's containers, the exited ones too (`docker logs` each:
 * `docker service logs` can hang on tasks that are gone), and counts what matters to the soak.
 */
export async function summarizeLogs(service: string): Promise<LogSummary> {
  const ids = (await dk('ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${service}`))
    .split('\n')
    .filter((x) => x !== '');
  const texts: string[] = [];
  for (const id of ids) {
    const { stdout, stderr } = await run('docker', ['logs', id]);
    texts.push(`${stdout}\n${stderr}`);
  }
  let lines = 0;
  let errors = 0;
  let warnings = 0;
  const firstErrors: string[] = [];
  const resyncChanges: LogSummary['resyncChanges'][number][] = [];
  for (const line of texts.flatMap((t) => {
    // One container's lines, its first sync left out.
    const ls = t.split('\n');
    const first = ls.findIndex((l) => l.includes('"synced from the listener"'));
    return first >= 0 ? [...ls.slice(0, first), ...ls.slice(first + 1)] : ls;
  })) {
    if (!line.startsWith('{')) continue;
    lines++;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (j.level === 'error') {
      errors++;
      if (firstErrors.length < 10) firstErrors.push(line.slice(0, 300));
    }
    if (j.level === 'warn') warnings++;
    if (j.message === 'synced from the listener' && j.outcome === 'ok') {
      const applied = Number(j.applied ?? 0);
      const removed = Number(j.removed ?? 0);
      if (applied + removed > 0)
        resyncChanges.push({ time: typeof j.timestamp === 'string' ? j.timestamp : '', applied, removed });
    }
  }
  return { lines, errors, warnings, firstErrors, resyncChanges };
}

/** Containers a service has had (the Swarm keeps a few exited ones per slot), and why each ended. */
export async function taskHistory(service: string): Promise<{ containers: number; unhealthyExits: number }> {
  const out = await dk(
    'ps',
    '-a',
    '--filter',
    `label=com.docker.swarm.service.name=${service}`,
    '--format',
    '{{.ID}} {{.Status}}',
  );
  const lines = out.split('\n').filter((x) => x !== '');
  let unhealthyExits = 0;
  for (const l of lines) {
    if (!l.includes('Exited')) continue;
    const health = await dk(
      'inspect',
      '-f',
      '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
      l.split(' ')[0] ?? '',
    );
    if (health === 'unhealthy') unhealthyExits++;
  }
  return { containers: lines.length, unhealthyExits };
}
