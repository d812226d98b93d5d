/** Levenshtein distance, small inputs only (parameter names). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest known name: a case-insensitive match first, then the nearest within a third of its
 * length (`strict`, a likely misspelling) or within half of it (`loose`, only a hint).
 */
export function didYouMean(
  name: string,
  known: Iterable<string>,
  reach: 'strict' | 'loose' = 'strict',
): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    if (k.toLowerCase() === lower) return k;
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  const max =
    reach === 'strict' ? Math.max(2, Math.floor(name.length / 3)) : Math.max(3, Math.floor(name.length / 2));
  return best !== undefined && bestDist <= max ? best : undefined;
}
