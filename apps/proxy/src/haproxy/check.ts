import { execFile } from 'node:child_process';

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly output: string };

/** `haproxy -c -f <file>`: the one place a candidate configuration is judged. */
export function checkConfig(bin: string, file: string, timeoutMs = 30000): Promise<CheckResult> {
  return new Promise((resolve) => {
    // Not -q: it silences the alerts too, and they are what the caller needs.
    execFile(
      bin,
      ['-c', '-f', file],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) resolve({ ok: true });
        else resolve({ ok: false, output: `${stdout}${stderr}`.trim() || err.message });
      },
    );
  });
}

/**
 * HAProxy's complaint, made fit for an API answer: pid and prefix noise dropped, the scratch path
 * reduced to the file name, generic trailer lines removed, at most `max` lines. Never the config itself.
 */
export function summarizeCheckOutput(output: string, max = 6): string[] {
  return output
    .split('\n')
    .filter((l) => !/^\[NOTICE\]/.test(l))
    .map((l) => l.replace(/^\[(ALERT|WARNING|NOTICE)\]\s*\([0-9]+\)\s*:\s*(config\s*:\s*)?/, '').trim())
    .map((l) => l.replace(/\/[^\s:\]]*\/([^/\s:\]]+)/g, '$1'))
    .filter(
      (l) =>
        l.length > 0 &&
        !/^(Error\(s\) found in configuration file|Fatal errors found in configuration)/.test(l),
    )
    .slice(0, max);
}

/** Line numbers of `haproxy.cfg` named in HAProxy's messages (`parsing [haproxy.cfg:42]`). */
export function linesOf(output: string, fileName = 'haproxy.cfg'): number[] {
  const out: number[] = [];
  const re = new RegExp(`${fileName.replace(/\./g, '\\.')}:([0-9]+)\\]`, 'g');
  for (const m of output.matchAll(re)) out.push(Number(m[1]));
  return [...new Set(out)];
}
