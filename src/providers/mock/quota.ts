/**
 * The bound on a run's mock state (SPEC 6): every contact, mailbox message and session is an
 * entry, weighed as its JSON text. A change that would take the state past either limit fails
 * with 507 (Insufficient Storage, not retried) and changes nothing, so no task can grow the main
 * process, or the state stored after every call, without limit. Shrinking is always allowed.
 */
import { ProviderFailure } from "../failure";

export const MOCK_LIMITS = {
  /** Contacts, messages and sessions together: 100 times a large CRM job's contacts. */
  entries: 10_000,
  /** Their JSON text together, in bytes. */
  bytes: 8 * 1024 * 1024,
} as const;

export const MOCK_FULL_STATUS = 507;

const weigh = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

export class MockQuota {
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly limits: { entries: number; bytes: number } = MOCK_LIMITS) {}

  /**
   * Records that entry `key` now holds `value` (undefined: removed). Throws the 507 and records
   * nothing when the state would grow past a limit; the caller changes its state only after.
   */
  set(key: string, value: unknown): void {
    const before = this.sizes.get(key);
    const after = value === undefined ? undefined : weigh(value);
    const entries = this.sizes.size + (before === undefined && after !== undefined ? 1 : 0) - (before !== undefined && after === undefined ? 1 : 0);
    const bytes = this.bytes - (before ?? 0) + (after ?? 0);
    const grows = (after ?? 0) > (before ?? 0) || (before === undefined && after !== undefined);
    if (grows && (entries > this.limits.entries || bytes > this.limits.bytes)) {
      throw new ProviderFailure(
        MOCK_FULL_STATUS,
        `the mock providers of this run are full (at most ${this.limits.entries} contacts, messages and sessions, ` +
          `${this.limits.bytes} bytes of them): delete some, or start a new run`,
      );
    }
    if (after === undefined) this.sizes.delete(key);
    else this.sizes.set(key, after);
    this.bytes = bytes;
  }

  /** Records a stored entry without checking (state restored from a snapshot). */
  load(key: string, value: unknown): void {
    const size = weigh(value);
    this.bytes += size - (this.sizes.get(key) ?? 0);
    this.sizes.set(key, size);
  }
}

export const contactKey = (id: string) => `contact:${id}`;
export const messageKey = (id: string) => `message:${id}`;
export const sessionKey = (taskId: string) => `session:${taskId}`;
