/** The structure of a JSON value: keys and leaf types, the first element standing for an array. */
export const shape = (v: unknown): unknown =>
  Array.isArray(v)
    ? [v.length > 0 ? shape(v[0]) : "empty"]
    : v !== null && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]))
      : v === null ? "null" : typeof v;
