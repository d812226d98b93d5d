import { RenderError } from './errors.js';
import type { Directive, Line, RawLine, Word } from './model.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PLAIN_FORBIDDEN = /[\s'"#\\]/;

/** Checks a plain word: anything that would split it, quote it or start a comment is refused. */
export function plain(value: string): string {
  if (value.length === 0) throw new RenderError('empty word');
  if (CONTROL.test(value) || PLAIN_FORBIDDEN.test(value)) {
    throw new RenderError(
      `unsafe word ${JSON.stringify(value)}: whitespace, quotes, # and backslash are not allowed`,
      { value },
    );
  }
  return value;
}

/**
 * A single-quoted word: HAProxy's tokenizer takes everything up to the next `'` literally (no
 * backslash, `$` or `#` processing), so only `'` and control characters have to be refused.
 */
export function quoted(value: string): Word {
  if (CONTROL.test(value) || value.includes("'")) {
    throw new RenderError(
      `unsafe quoted value ${JSON.stringify(value)}: single quotes and control characters are not allowed`,
      { value },
    );
  }
  if (value.length === 0) throw new RenderError('empty quoted value (HAProxy drops empty arguments)');
  return { quoted: value };
}

/** A word that is quoted only when it needs to be (header values, passwords). */
export function text(value: string): Word {
  return /^[^\s'"#\\]+$/.test(value) && !CONTROL.test(value) ? value : quoted(value);
}

/** Builds a directive, validating every word now so a bad value fails where it is produced. */
export function d(...words: Word[]): Directive {
  return { words: words.map((w) => (typeof w === 'string' ? plain(w) : quoted(w.quoted))) };
}

/** A raw line (operator extras, backendExtra): one line, no control characters. */
export function raw(value: string): RawLine {
  if (CONTROL.test(value))
    throw new RenderError(`raw line ${JSON.stringify(value)} contains control characters`, { value });
  if (value.trim().length === 0) throw new RenderError('empty raw line');
  return { raw: value.trim() };
}

/**
 * An argument of a sample converter inside a quoted `%[...]` expression, e.g. regsub's regex.
 * Inside the converter's double quotes HAProxy reads `\\` as `\` and `\"` as `"`, so backslashes
 * are doubled to reach the regex engine unchanged; commas and parentheses are protected by the quotes.
 */
export function converterArg(value: string): string {
  if (CONTROL.test(value) || /['"]/.test(value)) {
    throw new RenderError(
      `unsafe converter argument ${JSON.stringify(value)}: quotes and control characters are not allowed`,
      { value },
    );
  }
  return `"${value.replace(/\\/g, '\\\\')}"`;
}

export function renderWord(w: Word): string {
  return typeof w === 'string' ? plain(w) : `'${(quoted(w.quoted) as { quoted: string }).quoted}'`;
}

export function renderLine(line: Line): string {
  if ('raw' in line) return raw(line.raw).raw;
  return line.words.map(renderWord).join(' ');
}
