import { describe, it, expect } from '@jest/globals';
import { classify } from '../../src/delivery/classify.js';

describe('classify', () => {
  it.each([
    [{ status: 200 }, 'create', 'ok'],
    [{ status: 204 }, 'create', 'ok'],
    [{ status: 409 }, 'create', 'ok'],
    [{ status: 400 }, 'create', 'abort'],
    [{ status: 404 }, 'create', 'abort'],
    [{ status: 408 }, 'create', 'retry'],
    [{ status: 429 }, 'create', 'retry'],
    [{ status: 500 }, 'create', 'retry'],
    [{ status: 503 }, 'create', 'retry'],
    [{ status: 302 }, 'create', 'retry'],
    [{ transportError: 'ECONNREFUSED' }, 'create', 'retry'],
    [{ status: 200 }, 'remove', 'ok'],
    [{ status: 409 }, 'remove', 'abort'],
    [{ status: 400 }, 'remove', 'abort'],
    [{ status: 500 }, 'remove', 'retry'],
    [{ transportError: 'ETIMEDOUT' }, 'remove', 'retry'],
  ] as const)('%j on %s -> %s', (result, kind, verdict) => {
    expect(classify(result, kind)).toBe(verdict);
  });
});
