/** What a check of a candidate set of items says: fine, or refused with the checker's detail. */
export type Verdict<D> = { readonly ok: true } | { readonly ok: false; readonly detail: D };

export interface Search<T, D> {
  readonly accepted: T[];
  readonly refused: { readonly item: T; readonly detail: D }[];
}

/**
 * The search for the items a checker refuses (for the reload pipeline: the changes that make
 * `haproxy -c` fail). Pure over the injected `check(accepted, candidates)`, which judges the
 * candidates applied on top of the items accepted so far. All together first; on refusal, each
 * half in turn (the second on top of what the first kept) down to single items, so one bad item
 * among n costs about 2·log2(n) checks and every good item is kept.
 */
export async function findRefused<T, D>(
  items: readonly T[],
  check: (accepted: readonly T[], candidates: readonly T[]) => Promise<Verdict<D>>,
  accepted: readonly T[] = [],
): Promise<Search<T, D>> {
  if (items.length === 0) return { accepted: [], refused: [] };
  const verdict = await check(accepted, items);
  if (verdict.ok) return { accepted: [...items], refused: [] };
  if (items.length === 1) return { accepted: [], refused: [{ item: items[0] as T, detail: verdict.detail }] };
  const half = Math.ceil(items.length / 2);
  const first = await findRefused(items.slice(0, half), check, accepted);
  const second = await findRefused(items.slice(half), check, [...accepted, ...first.accepted]);
  return {
    accepted: [...first.accepted, ...second.accepted],
    refused: [...first.refused, ...second.refused],
  };
}
