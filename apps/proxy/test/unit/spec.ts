import { parseServiceSpec, type ServiceSpec } from '@flowproxy/protocol';

/** A validated spec from a reconfigure query (raw-config parameters allowed); throws on bad input. */
export function spec(query: string): ServiceSpec {
  const r = parseServiceSpec(query, { allowRawConfig: true });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
}
