/**
 * Golden cases: `<case>/input.json` ({ settings: partial ProxySettings over base-settings.json,
 * services: [{ params: reconfigure parameters, users?, usersPassEncrypted? }] }) rendered and
 * compared with `<case>/expected.cfg`, `<case>/files/<name>` and `<case>/expected-warnings.txt`.
 * Services go through the real protocol parser, as a reconfigure request would.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { parseServiceSpec, type UserEntry } from '@flowproxy/protocol';
import type { ProxySettings, RenderInput, RenderService } from '../../src/config/settings.js';

export const GOLDEN_DIR = dirname(fileURLToPath(import.meta.url));

interface CaseService {
  readonly params: Record<string, string | number | boolean>;
  readonly users?: UserEntry[];
  readonly usersPassEncrypted?: boolean;
}
interface CaseInput {
  readonly settings?: Partial<ProxySettings>;
  readonly services: CaseService[];
}

export interface GoldenCase {
  readonly name: string;
  readonly dir: string;
  readonly input: RenderInput;
}

export function baseSettings(): ProxySettings {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, 'base-settings.json'), 'utf8')) as ProxySettings;
}

export function toRenderService(svc: CaseService): RenderService {
  const parsed = parseServiceSpec(svc.params, { allowRawConfig: true });
  if (!parsed.ok) throw new Error(`invalid golden service ${JSON.stringify(svc.params)}: ${JSON.stringify(parsed.errors)}`);
  const spec = parsed.spec;
  return {
    spec,
    users: svc.users ?? spec.users.filter((u) => u.password !== undefined),
    usersPassEncrypted: svc.usersPassEncrypted ?? spec.usersPassEncrypted,
  };
}

export function loadCase(name: string): GoldenCase {
  const dir = join(GOLDEN_DIR, name);
  const raw = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8')) as CaseInput;
  const settings = { ...baseSettings(), ...(raw.settings ?? {}) };
  return { name, dir, input: { settings, services: raw.services.map(toRenderService) } };
}

export function caseNames(): string[] {
  return readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(GOLDEN_DIR, e.name, 'input.json')))
    .map((e) => e.name)
    .sort();
}

/**
 * A unified diff (3 lines of context, at most `maxLines` lines) of a golden file against what was
 * rendered: an inserted or removed line shows as that one line, not as every later line shifted.
 */
export function goldenDiff(file: string, expected: string, actual: string, maxLines = 80): string {
  const patch = createTwoFilesPatch(`${file} (golden)`, `${file} (rendered)`, expected, actual, '', '', {
    context: 3,
  });
  // Drop the "=====" separator line createTwoFilesPatch starts with.
  const lines = patch.split('\n').filter((l) => !/^=+$/.test(l));
  if (lines.at(-1) === '') lines.pop();
  return lines.length > maxLines
    ? [...lines.slice(0, maxLines), `... ${lines.length - maxLines} more diff lines`].join('\n')
    : lines.join('\n');
}
