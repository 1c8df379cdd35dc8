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

/**
 * The smallest and largest of `values` ([Infinity, -Infinity] for none), by a loop: Math.min(...xs)
 * passes every value as an argument, and a million of them overflow the stack.
 */
export function extent(values: Iterable<number>): [min: number, max: number] {
  let min = Infinity;
  let max = -Infinity;
  for (const x of values) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}
