import { sendCommand } from './socket.js';

/** One map entry change: `add`/`set` carry the new value, `del` removes the key. */
export type MapEdit =
  | { readonly op: 'add' | 'set'; readonly file: string; readonly key: string; readonly value: string }
  | { readonly op: 'del'; readonly file: string; readonly key: string };

export class RuntimeApiError extends Error {
  readonly code = 'HAPROXY_RUNTIME_API';
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeApiError';
  }
}

// Printable ASCII without the CLI's escape character; `;` separates commands and is escaped.
const CLI_SAFE = /^[\x21-\x5b\x5d-\x7e]+$/;

/** Whether a word can travel in a runtime API command as exactly itself. */
export const cliSafe = (word: string): boolean => CLI_SAFE.test(word);

const arg = (word: string): string => {
  if (!cliSafe(word)) throw new RuntimeApiError(`not sendable on the runtime API: ${JSON.stringify(word)}`);
  return word.replace(/;/g, '\\;');
};

/** The CLI command of one edit; `path` is the map file as haproxy.cfg names it. */
export function mapCommand(edit: MapEdit, path: string): string {
  const head = `${edit.op} map ${arg(path)} ${arg(edit.key)}`;
  return edit.op === 'del' ? head : `${head} ${arg(edit.value)}`;
}

/** Commands per line: the CLI reads a line into one buffer (tune.bufsize, 16 kB by default). */
const LINE_BYTES = 8000;

/**
 * Applies map edits to the current worker through the master CLI (`@1 <command>`, each command
 * of a line prefixed: the master forwards only the prefixed one). add/set/del map answer nothing
 * on success, so any answer is a failure: the caller then reloads from the files, which already
 * hold the target state, so a half-applied edit list never stays live.
 */
export async function applyMapEdits(
  masterSock: string,
  edits: readonly MapEdit[],
  pathOf: (file: string) => string,
  timeoutMs = 2000,
): Promise<void> {
  const commands = edits.map((e) => `@1 ${mapCommand(e, pathOf(e.file))}`);
  const lines: string[] = [];
  let line = '';
  for (const c of commands) {
    if (line && line.length + c.length + 1 > LINE_BYTES) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line};${c}` : c;
  }
  if (line) lines.push(line);
  for (const l of lines) {
    const answer = (await sendCommand(masterSock, l, timeoutMs)).trim();
    if (answer !== '') throw new RuntimeApiError(`runtime API refused a map edit: ${answer.slice(0, 300)}`);
  }
}
