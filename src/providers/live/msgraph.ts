/**
 * Microsoft Graph v1.0 mail over fetch, as the application `$MSGRAPH_SENDER` (client-credential
 * tokens, app permissions Mail.Send and Mail.ReadWrite): `POST /users/{sender}/sendMail` as the
 * original sender did, and the mailbox calls under `/users/{sender}/messages`.
 */
import type { MethodTable } from "../args";
import { graphEnvelope, messageNotFound } from "../envelopes";
import { ProviderFailure } from "../failure";
import { type HttpOptions, type HttpRequest, joinUrl, send } from "./http";
import { contentType, graphMessage, graphRecipients, MESSAGE_FIELDS } from "./shapes";
import type { TokenSource } from "./token";

export const GRAPH_DEFAULT_BASE_URL = "https://graph.microsoft.com/v1.0";
export const tokenUrlFor = (tenant: string) =>
  `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;

export interface GraphContext {
  http: HttpOptions;
  base: string;
  tokens: TokenSource;
  sender: string;
  signal?: AbortSignal;
  timestamp: string;
  /** Ids for sends and replies, which Graph answers with 202 and no body. */
  newId: () => string;
}

type Query = Record<string, string | number | undefined>;
const SELECT = MESSAGE_FIELDS.join(",");

async function request(ctx: GraphContext, method: HttpRequest["method"], path: string, o: { query?: Query; json?: unknown; headers?: Record<string, string> } = {}) {
  const token = await ctx.tokens.get();
  try {
    const res = await send(ctx.http, {
      method,
      url: joinUrl(ctx.base, `/users/${encodeURIComponent(ctx.sender)}${path}`, o.query),
      headers: { Authorization: `Bearer ${token}`, ...o.headers },
      json: o.json,
      signal: ctx.signal,
    });
    return (res.body ?? {}) as Record<string, unknown>;
  } catch (e) {
    // A revoked or expired token: the retry of this attempt should not present it again.
    if (e instanceof ProviderFailure && e.status === 401) ctx.tokens.invalidate(token);
    throw e;
  }
}

const messagePath = (id: string) => `/messages/${encodeURIComponent(id)}`;

async function byId<T>(id: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw e instanceof ProviderFailure && e.status === 404 ? messageNotFound(id) : e;
  }
}

/** A KQL `$search` value: the query as one quoted phrase. */
const searchTerm = (query: string) => `"${query.replace(/["\\]/g, " ")}"`;
const values = (body: Record<string, unknown>) => (Array.isArray(body.value) ? body.value.map(graphMessage) : []);

export const msgraphLive: MethodTable<"msgraph", GraphContext> = {
  sendEmail: async (mail, ctx) => {
    const id = ctx.newId();
    await request(ctx, "POST", "/sendMail", {
      // Graph echoes client-request-id in its logs: the id we return can be traced upstream.
      headers: { "client-request-id": id },
      json: {
        message: {
          subject: mail.subject,
          body: { contentType: contentType(mail.body), content: mail.body },
          toRecipients: graphRecipients(mail.to),
          ccRecipients: graphRecipients(mail.cc),
          bccRecipients: graphRecipients(mail.bcc),
        },
        saveToSentItems: true,
      },
    });
    return graphEnvelope.sent(mail, id, ctx.timestamp);
  },
  getMessages: async (page, ctx) => {
    // $search allows neither $skip nor $orderby: with a filter, read skip + limit and cut.
    const query: Query = page.filter
      ? { $search: searchTerm(page.filter), $top: page.skip + page.limit, $select: SELECT }
      : { $top: page.limit, $skip: page.skip, $orderby: "receivedDateTime desc", $count: "true", $select: SELECT };
    const body = await request(ctx, "GET", "/messages", { query });
    const all = values(body);
    const messages = page.filter ? all.slice(page.skip) : all;
    const count = body["@odata.count"];
    return graphEnvelope.listed(messages, page, typeof count === "number" ? count : page.skip + messages.length, ctx.timestamp);
  },
  // One PATCH both marks the message read and returns it.
  readMessage: ({ id }, ctx) =>
    byId(id, async () => graphEnvelope.read(graphMessage(await request(ctx, "PATCH", messagePath(id), { json: { isRead: true } })), ctx.timestamp)),
  searchMessages: async ({ query, limit }, ctx) => {
    const body = await request(ctx, "GET", "/messages", { query: { $search: searchTerm(query), $top: limit, $select: SELECT } });
    return graphEnvelope.searched(values(body), query, ctx.timestamp);
  },
  // Read first, so the answer carries the deleted message as the mock's does.
  deleteMessage: ({ id }, ctx) =>
    byId(id, async () => {
      const message = graphMessage(await request(ctx, "GET", messagePath(id), { query: { $select: SELECT } }));
      await request(ctx, "DELETE", messagePath(id));
      return graphEnvelope.deleted(message, ctx.timestamp);
    }),
  replyToMessage: ({ id, body }, ctx) =>
    byId(id, async () => {
      const replyId = ctx.newId();
      await request(ctx, "POST", `${messagePath(id)}/reply`, { headers: { "client-request-id": replyId }, json: { comment: body } });
      return graphEnvelope.replied(replyId, id, body, ctx.timestamp);
    }),
  testConnection: async (_, ctx) => {
    await request(ctx, "GET", "", { query: { $select: "id,mail,userPrincipalName" } });
    return graphEnvelope.connected(ctx.sender, ctx.timestamp);
  },
};
