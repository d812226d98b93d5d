import { describe, it, expect } from '@jest/globals';
import { converterArg, d, plain, quoted, raw, renderLine, text } from '../../../src/config/words.js';
import { RenderError } from '../../../src/config/errors.js';

describe('words', () => {
  it('accepts plain HAProxy words', () => {
    expect(plain('/demo')).toBe('/demo');
    expect(plain('%[var(txn.x)]')).toBe('%[var(txn.x)]');
  });

  it.each(['a b', "it's", 'a"b', '#x', 'a\nb', 'a\\b', '', 'a\tb', 'x\u0000'])(
    'refuses %j as a plain word',
    (v) => {
      expect(() => plain(v)).toThrow(RenderError);
    },
  );

  it('single-quotes values with spaces and refuses single quotes or control characters inside', () => {
    expect(renderLine(d('user', 'a', 'insecure-password', quoted('p a#s\\s')))).toBe(
      "user a insecure-password 'p a#s\\s'",
    );
    expect(() => quoted("a'b")).toThrow(RenderError);
    expect(() => quoted('a\nb')).toThrow(RenderError);
    expect(() => quoted('')).toThrow(RenderError);
  });

  it('quotes a text value only when needed', () => {
    expect(text('%[src]')).toBe('%[src]');
    expect(text('hello world')).toEqual({ quoted: 'hello world' });
  });

  it('doubles backslashes of converter arguments and protects commas and parentheses with double quotes', () => {
    expect(converterArg('^/v1/(a|b)\\.x{1,2}')).toBe('"^/v1/(a|b)\\\\.x{1,2}"');
    expect(() => converterArg('a"b')).toThrow(RenderError);
  });

  it('keeps raw lines to one line', () => {
    expect(raw('  tune.bufsize 32768 ').raw).toBe('tune.bufsize 32768');
    expect(() => raw('a\nbind :1')).toThrow(RenderError);
    expect(() => raw('   ')).toThrow(RenderError);
  });
});
