import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Figure {
  readonly name: string;
  /** Human-readable value (median [min–max], ratio, count). */
  readonly value: string;
  readonly target?: string;
  /** undefined: informative figure without a target. */
  readonly pass?: boolean;
  readonly raw?: unknown;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly method: string;
  readonly figures: Figure[];
  readonly notes?: string[];
}

export interface Results {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: { readonly cpus: number; readonly node: string; readonly haproxy: string };
  readonly sections: Section[];
  readonly durationSeconds: number;
  /** A merged result (`--merge`): the runs it was assembled from, by date. */
  readonly mergedFrom?: readonly string[];
}

const verdict = (f: Figure): string => (f.pass === undefined ? '' : f.pass ? '**PASS**' : '**MISS**');

export function toMarkdown(r: Results): string {
  const out: string[] = [
    `# Benchmark results (${r.date}${r.quick ? ', quick run' : ''})`,
    '',
    `Machine: ${r.machine.cpus} CPUs, Node ${r.machine.node}, ${r.machine.haproxy}. Run took ${Math.round(r.durationSeconds)} s.`,
    'Every figure is measured side by side in the same run; values are median [min–max] over rounds.',
    'Produced by `npm run bench` (test/bench); raw data in the JSON file of the same date.',
    ...(r.mergedFrom
      ? [
          `Assembled with \`--merge\` from the runs of ${r.mergedFrom.join(', ')} (the sections without Docker, then the Swarm sections once the shared Swarm was free); each section is one run's, unedited.`,
        ]
      : []),
    '',
  ];
  for (const s of r.sections) {
    out.push(`## ${s.title}`, '', s.method, '', '| figure | value | target | verdict |', '|---|---|---|---|');
    for (const f of s.figures) out.push(`| ${f.name} | ${f.value} | ${f.target ?? '—'} | ${verdict(f)} |`);
    if (s.notes?.length) out.push('', ...s.notes.map((n) => `- ${n}`));
    out.push('');
  }
  return out.join('\n');
}

export function writeResults(dir: string, r: Results): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = r.date.replace(/[:]/g, '-');
  const json = join(dir, `${stamp}${r.quick ? '-quick' : ''}.json`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const md = join(dir, r.quick ? 'latest-quick.md' : 'latest.md');
  writeFileSync(md, toMarkdown(r));
  return { json, md };
}

/** A `--only` run: <date>-only-<ids>.json and only-<ids>.md, never latest.md (the full run's). */
export function writeOnlyResults(
  dir: string,
  r: Results,
  ids: readonly string[],
): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const tag = `only-${ids.join('-')}`;
  const json = join(dir, `${r.date.replace(/[:]/g, '-')}-${tag}.json`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const md = join(dir, `${tag}.md`);
  writeFileSync(md, toMarkdown(r));
  return { json, md };
}

/** Section order: its title's number, then its letter ("3b." after "3."). */
const order = (s: Section): number => {
  const m = /^(\d+)([a-z]?)\./.exec(s.title);
  return m ? Number(m[1]) + (m[2] ? (m[2].charCodeAt(0) - 96) / 100 : 0) : 1000;
};

/** Several runs' sections as one result (a section id present twice: the later run's wins). */
export function mergeResults(runs: readonly Results[]): Results {
  const byId = new Map<string, Section>();
  for (const r of runs) for (const s of r.sections) byId.set(s.id, s);
  const first = runs[0];
  if (!first) throw new Error('--merge: no results given');
  return {
    date: new Date().toISOString().slice(0, 19),
    quick: runs.some((r) => r.quick),
    machine: first.machine,
    sections: [...byId.values()].sort((a, b) => order(a) - order(b)),
    durationSeconds: runs.reduce((a, r) => a + r.durationSeconds, 0),
    mergedFrom: runs.map((r) => r.date),
  };
}
