import type { StoreWrite } from "./types";

/**
 * The member of the StoreWrite union with the given kind. Its own file so the per-table
 * statement files can name their write without importing statements.ts, which imports them.
 */
export type Write<K extends StoreWrite["kind"]> = Extract<StoreWrite, { kind: K }>;
