/**
 * The candidate closest to `name` by edit distance, when it is close enough to be a
 * likely typo ("order.createVideoo" → "order.createVideo"); undefined otherwise.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(4, Math.max(1, Math.floor(name.length / 4)));
  const lowerName = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  let scanned = 0;
  for (const candidate of candidates) {
    // A catalog is tens of names; stop early on something absurd rather than stall.
    if (++scanned > 10_000) break;
    if (candidate.toLowerCase() === lowerName) return candidate;
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(lowerName, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `bound`) once it cannot be below `bound`. */
export function editDistance(a: string, b: string, bound = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (a.length > 500 || b.length > 500) return bound;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= bound) return bound;
    previous = current;
  }
  return previous[b.length] as number;
}
