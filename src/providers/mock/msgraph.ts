/**
 * Microsoft Graph mail mock (reference/providers.md 5.4): a mailbox seeded with 5 messages,
 * 400 on bad recipients, 404 on unknown ids. Sent mail is not stored, as in the original.
 */
import type { JsonObject, MethodTable } from "../args";
import { graphEnvelope, messageNotFound } from "../envelopes";
import type { MockContext } from "./context";
import { randomId } from "./draw";
import { messageKey } from "./quota";
import type { Message } from "./state";

/** The mailbox owner the original mock reported. */
const MOCK_USER = "mock_user";

function find(ctx: MockContext, id: string): Message {
  const message = ctx.state.mailbox.find((m) => m.id === id);
  if (!message) throw messageNotFound(id);
  return message;
}

const contains = (text: string, needle: string) => text.toLowerCase().includes(needle.toLowerCase());
const json = (m: Message) => m as unknown as JsonObject;

export const msgraphMock: MethodTable<"msgraph", MockContext> = {
  sendEmail: (mail, ctx) => graphEnvelope.sent(mail, randomId(ctx.rng, "msg_"), ctx.timestamp),
  getMessages: (page, ctx) => {
    const { filter } = page;
    const all = filter
      ? ctx.state.mailbox.filter((m) => contains(m.subject, filter) || contains(m.body.content, filter))
      : ctx.state.mailbox;
    return graphEnvelope.listed(all.slice(page.skip, page.skip + page.limit).map(json), page, all.length, ctx.timestamp);
  },
  readMessage: ({ id }, ctx) => {
    const message = find(ctx, id);
    ctx.state.quota.set(messageKey(id), { ...message, isRead: true });
    message.isRead = true;
    return graphEnvelope.read(json(message), ctx.timestamp);
  },
  searchMessages: ({ query, limit }, ctx) => {
    const results = ctx.state.mailbox.filter(
      (m) => contains(m.subject, query) || contains(m.from.emailAddress.address, query) || contains(m.body.content, query),
    );
    return graphEnvelope.searched(results.slice(0, limit).map(json), query, ctx.timestamp);
  },
  deleteMessage: ({ id }, ctx) => {
    const message = find(ctx, id);
    ctx.state.quota.set(messageKey(id), undefined);
    ctx.state.mailbox = ctx.state.mailbox.filter((m) => m !== message);
    return graphEnvelope.deleted(json(message), ctx.timestamp);
  },
  replyToMessage: ({ id, body }, ctx) => {
    find(ctx, id);
    return graphEnvelope.replied(randomId(ctx.rng, "reply_"), id, body, ctx.timestamp);
  },
  testConnection: (_, ctx) => graphEnvelope.connected(MOCK_USER, ctx.timestamp),
};
