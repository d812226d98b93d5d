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
}

const verdict = (f: Figure): string => (f.pass === undefined ? '' : f.pass ? '**PASS**' : '**MISS**');

export function toMarkdown(r: Results): string {
  const out: string[] = [
    `# Benchmark results (${r.date}${r.quick ? ', quick run' : ''})`,
    '',
    `Machine: ${r.machine.cpus} CPUs, Node ${r.machine.node}, ${r.machine.haproxy}. Run took ${Math.round(r.durationSeconds)} s.`,
    'Every figure is measured side by side in the same run; values are median [min–max] over rounds.',
    'Produced by `npm run bench` (test/bench); raw data in the JSON file of the same date.',
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
