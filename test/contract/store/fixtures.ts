/**
 * What the store contract needs from a backend, and the per-test plumbing around it. Every test
 * gets a fresh, empty database. Every Store call returns a promise and is awaited throughout the
 * suite, so the same suite runs against every backend (SQLite, PostgreSQL: SPEC 11).
 */
import { afterEach, beforeEach, expect } from "bun:test";
import { BuddyError, type ErrorCode } from "../../../src/core";
import type { Store } from "../../../src/store";

export interface StoreFixture {
  /**
   * A new Store handle (a new connection) on this fixture's database; call it again for a second
   * one, as a second process would open it.
   */
  open(): Promise<Store> | Store;
  /** Closes every Store that `open` returned and deletes the database. */
  dispose(): Promise<void> | void;
}

/**
 * Creates a fresh, empty database. `name` is unique within the suite and made of [a-z0-9_], so
 * a server backend can use it as the database's name.
 */
export type MakeStoreFixture = (name: string) => Promise<StoreFixture> | StoreFixture;

export interface FreshStore {
  /** The test's store, opened before the test starts. */
  readonly store: Store;
  /** Another connection to the same database. */
  another(): Promise<Store>;
}

let fixtures = 0;

/**
 * Registers hooks that give each test of the enclosing `describe` its own database, named after
 * `group` and a counter.
 */
export function freshStore(make: MakeStoreFixture, group: string): FreshStore {
  let fixture: StoreFixture | undefined;
  let store: Store | undefined;
  beforeEach(async () => {
    fixtures += 1;
    fixture = await make(`${group}_${fixtures}`);
    store = await fixture.open();
  });
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
    store = undefined;
  });
  return {
    get store(): Store {
      if (store === undefined) throw new Error("the store is only open while a test runs");
      return store;
    },
    another: async () => {
      if (fixture === undefined) throw new Error("the store is only open while a test runs");
      return fixture.open();
    },
  };
}

/** Runs `fn` (sync or async), expects it to throw a BuddyError with `code`, and returns it. */
export async function expectBuddyError(fn: () => unknown, code: ErrorCode): Promise<BuddyError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BuddyError);
  const error = thrown as BuddyError;
  expect(error.code).toBe(code);
  expect(error.message).not.toContain("\n");
  return error;
}
