/**
 * JSON columns: SQLite keeps documents as TEXT. Encoding happens once per write and decoding once
 * per row read, so every group of operations uses these two helpers and nothing else.
 */

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

/** `null` stays SQL NULL rather than the text "null", so `IS NULL` means "absent". */
export function toJsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
