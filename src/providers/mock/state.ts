/**
 * The mocks' state: Mployer sessions, GoHighLevel contacts and the Graph mailbox. One value per
 * run, shared by its tasks, stored with the run as a snapshot so that `resume` continues with the
 * contacts and mail the finished tasks left behind. The snapshot is a wire format, so it has a
 * schema and is checked when it comes back.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { BuddyError, createRng, deriveSeed, iso } from "../../core";
import { pick, randomId } from "./draw";
import { contactKey, MOCK_LIMITS, MockQuota, messageKey, sessionKey } from "./quota";

const ContactSchema = Type.Object(
  { id: Type.String(), created_at: Type.String(), updated_at: Type.String() },
  { additionalProperties: true, description: "A GoHighLevel contact: its id, timestamps and the fields it was given." },
);

/** A mailbox message in Graph's own field names, as the original mock kept them. */
const MessageSchema = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  from: Type.Object({ emailAddress: Type.Object({ address: Type.String(), name: Type.String() }) }),
  body: Type.Object({ contentType: Type.String(), content: Type.String() }),
  receivedDateTime: Type.String(),
  isRead: Type.Boolean(),
  hasAttachments: Type.Boolean(),
});

const MockStateSchema = Type.Object({
  version: Type.Literal(1),
  mployer: Type.Object({
    /** Session id by task id: a task's login lasts until its logout, across its attempts. */
    sessions: Type.Record(Type.String(), Type.String()),
  }),
  ghl: Type.Object({ contacts: Type.Array(ContactSchema) }),
  msgraph: Type.Object({ mailbox: Type.Array(MessageSchema) }),
});

export type MockSnapshot = Static<typeof MockStateSchema>;
export type Contact = Static<typeof ContactSchema> & Record<string, unknown>;
export type Message = Static<typeof MessageSchema>;

/** The live form: contacts by id, for lookups; snapshots list them in a fixed order. */
export interface MockState {
  sessions: Map<string, string>;
  contacts: Map<string, Contact>;
  mailbox: Message[];
  /** What the three hold, against MOCK_LIMITS; every change goes through it first. */
  quota: MockQuota;
}

/** The quota of a state, counting everything it holds. */
function quotaOf(state: Omit<MockState, "quota">, limits: { entries: number; bytes: number }): MockQuota {
  const quota = new MockQuota(limits);
  for (const [task, session] of state.sessions) quota.load(sessionKey(task), session);
  for (const [id, contact] of state.contacts) quota.load(contactKey(id), contact);
  for (const message of state.mailbox) quota.load(messageKey(message.id), message);
  return quota;
}

const SUBJECTS = ["Project update", "Meeting notes", "Budget review", "Action items", "Weekly summary"];
const SENDERS = ["alice@example.com", "bob@example.com", "carol@example.com"];
const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh state: no sessions, no contacts, and the original mock's mailbox of 5 messages. */
export function initialState(seed: number, now: number, limits: { entries: number; bytes: number } = MOCK_LIMITS): MockState {
  const rng = createRng(deriveSeed(seed, "msgraph", "mailbox"));
  const mailbox: Message[] = [1, 2, 3, 4, 5].map((i) => ({
    id: randomId(rng, "msg_"),
    subject: `${pick(rng, SUBJECTS)} #${i}`,
    from: { emailAddress: { address: pick(rng, SENDERS), name: "Sender Name" } },
    body: { contentType: "html", content: `<p>Mock email body ${i}</p>` },
    receivedDateTime: iso(now - i * DAY_MS),
    isRead: rng.next() < 0.5,
    hasAttachments: rng.next() < 0.5,
  }));
  const state = { sessions: new Map<string, string>(), contacts: new Map<string, Contact>(), mailbox };
  return { ...state, quota: quotaOf(state, limits) };
}

/** Contacts in list order: by creation time, then id, so arrival order of concurrent tasks never shows. */
export function contactList(state: MockState): Contact[] {
  return [...state.contacts.values()].sort((a, b) =>
    a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1,
  );
}

export function snapshotState(state: MockState): MockSnapshot {
  const sessions = Object.fromEntries([...state.sessions].sort(([a], [b]) => (a < b ? -1 : 1)));
  return structuredClone({
    version: 1,
    mployer: { sessions },
    ghl: { contacts: contactList(state) },
    msgraph: { mailbox: state.mailbox },
  });
}

/** The state a snapshot describes; a snapshot that does not fit the schema is a store error. */
export function restoreState(snapshot: unknown, limits: { entries: number; bytes: number } = MOCK_LIMITS): MockState {
  if (!Value.Check(MockStateSchema, snapshot)) {
    const first = [...Value.Errors(MockStateSchema, snapshot)][0];
    const where = first ? `${first.path || "/"}: ${first.message}` : "unknown shape";
    throw new BuddyError("STORE", `stored provider mock state is not valid (${where})`);
  }
  const s = structuredClone(snapshot);
  const state = {
    sessions: new Map(Object.entries(s.mployer.sessions)),
    contacts: new Map(s.ghl.contacts.map((c) => [c.id, c as Contact])),
    mailbox: s.msgraph.mailbox,
  };
  // A state stored over the limits (by an older version) stays readable; it only cannot grow.
  return { ...state, quota: quotaOf(state, limits) };
}
