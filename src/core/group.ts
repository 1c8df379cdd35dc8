/** Grouping used wherever a run's rows are split by task, wave or agent. */

/** `items` by `key`, each group in the items' order; groups in the order their first item came. */
export function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
