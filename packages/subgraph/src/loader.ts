import DataLoader from 'dataloader';

/**
 * A per-request DataLoader keyed by string: `load` runs one batched query for all keys
 * asked in the same tick and hands each caller its rows. `batch` returns a map.
 */
export function keyedLoader<V>(batch: (keys: readonly string[]) => Promise<Map<string, V>>, missing: V): DataLoader<string, V> {
  return new DataLoader<string, V>(async (keys) => {
    const found = await batch(keys);
    return keys.map((k) => found.get(k) ?? missing);
  });
}

/**
 * A loader for parameterised lookups (a member's first N orders after a cursor): keys
 * are grouped by their parameters so each distinct page shape is still one query.
 */
export function groupedLoader<K extends { memberId: string }, V>(
  hash: (key: K) => string,
  batch: (group: K[]) => Promise<Map<string, V>>,
  missing: () => V,
): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(
    async (keys) => {
      const groups = new Map<string, K[]>();
      for (const key of keys) {
        const g = hash({ ...key, memberId: '' });
        groups.set(g, [...(groups.get(g) ?? []), key]);
      }
      const results = new Map<string, V>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const byMember = await batch(group);
          for (const key of group) {
            const value = byMember.get(key.memberId);
            if (value !== undefined) results.set(hash(key), value);
          }
        }),
      );
      return keys.map((k) => results.get(hash(k)) ?? missing());
    },
    { cacheKeyFn: hash },
  );
}
