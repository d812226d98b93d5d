import { describe, expect, it } from '@jest/globals';
import { ListingError, ListingSplitter } from '../../src/docker/listing.js';
import type { Listed } from '../../src/docker/types.js';
import { svc } from './fakes.js';

/** As dockerd writes it: compact JSON, one trailing newline. */
const wire = (services: readonly object[]): Buffer => Buffer.from(JSON.stringify(services) + '\n');

function split(
  body: Buffer,
  chunk: number,
  unchanged: (id: string, v: number) => boolean = () => false,
): Listed[] {
  const s = new ListingSplitter(unchanged);
  for (let i = 0; i < body.length; i += chunk) s.push(body.subarray(i, i + chunk));
  return s.end();
}

const services = [
  svc('a1', 'web', { 'com.df.notify': 'true', 'com.df.servicePath': '/web' }, { version: 7 }),
  // A label value holding the separator: escaped inside a string, so never a boundary.
  svc(
    'b2',
    'tricky',
    { 'com.df.notify': 'true', note: '},{"ID":"zz","Version":{"Index":1}}' },
    { version: 9 },
  ),
  svc('c3', 'api', { 'com.df.notify': 'true', 'com.df.serviceDomain': 'api.test' }, { version: 11 }),
];

describe('ListingSplitter (GET /services one service at a time)', () => {
  it('gives every service as parsed, whatever the chunk boundaries', () => {
    const body = wire(services);
    for (const chunk of [1, 2, 7, 9, 64, body.length]) expect(split(body, chunk)).toEqual(services);
  });

  it('parses only what the caller does not know at that version', () => {
    const seen: string[] = [];
    const out = split(wire(services), 5, (id, v) => (seen.push(`${id}@${v}`), id !== 'c3'));
    expect(seen).toEqual(['a1@7', 'b2@9', 'c3@11']);
    expect(out).toEqual([{ ID: 'a1', unchanged: true }, { ID: 'b2', unchanged: true }, services[2]]);
  });

  it('reads an empty listing', () => {
    expect(split(Buffer.from('[]\n'), 1)).toEqual([]);
  });

  it('gives up on anything else, so the caller lists the plain way', () => {
    expect(() => split(Buffer.from('{"message":"oops"}'), 4)).toThrow(ListingError);
    expect(() => split(Buffer.from(JSON.stringify(services, null, 2)), 16)).toThrow(ListingError);
    expect(() => split(wire(services).subarray(0, 100), 16)).toThrow(ListingError);
    expect(() => split(Buffer.from('[{"Version":{"Index":1},"ID":"x"}]'), 16)).toThrow(ListingError);
  });
});
