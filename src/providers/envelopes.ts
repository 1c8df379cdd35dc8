/**
 * The success envelopes of the original mocks (reference/providers.md 5.3, 5.4), built in one
 * place for both modes: this is what makes a live GoHighLevel or Graph answer look exactly like a
 * dry-run one to task code.
 */
import type { JsonObject } from "./args";
import { ProviderFailure } from "./failure";

type Page = { limit: number; skip: number };

export const contactNotFound = (id: string) => new ProviderFailure(404, `Contact not found: ${id}`);
export const messageNotFound = (id: string) => new ProviderFailure(404, `Message not found: ${id}`);

/** Email compares without case; phone by its digits, so "+1-555-0100" finds "+15550100". */
export function sameContact(contact: JsonObject, criteria: { email?: string; phone?: string }): boolean {
  if (criteria.email) return typeof contact.email === "string" && contact.email.toLowerCase() === criteria.email.toLowerCase();
  const digits = (v: unknown) => (typeof v === "string" ? v.replace(/\D/g, "") : "");
  return criteria.phone !== undefined && digits(criteria.phone) !== "" && digits(contact.phone) === digits(criteria.phone);
}

export const ghlEnvelope = {
  created: (contact: JsonObject, timestamp: string) => ({
    success: true,
    contact_id: contact.id,
    message: "Contact created successfully",
    data: contact,
    timestamp,
  }),
  searched: (results: JsonObject[], criteria: { email?: string; phone?: string }, timestamp: string) => ({
    success: true,
    total_results: results.length,
    results,
    search_criteria: { email: criteria.email ?? null, phone: criteria.phone ?? null },
    timestamp,
  }),
  updated: (contact: JsonObject, timestamp: string) => ({
    success: true,
    contact_id: contact.id,
    message: "Contact updated successfully",
    data: contact,
    timestamp,
  }),
  got: (contact: JsonObject, timestamp: string) => ({ success: true, contact_id: contact.id, data: contact, timestamp }),
  listed: (contacts: JsonObject[], page: Page, total: number, timestamp: string) => ({
    success: true,
    total_count: total,
    returned_count: contacts.length,
    contacts,
    pagination: { limit: page.limit, skip: page.skip, total },
    timestamp,
  }),
  deleted: (contact: JsonObject, timestamp: string) => ({
    success: true,
    contact_id: contact.id,
    message: "Contact deleted successfully",
    data: contact,
    timestamp,
  }),
  connected: (timestamp: string) => ({ success: true, message: "Connection successful", api_version: "2.0", timestamp }),
};

export const graphEnvelope = {
  sent: (mail: { to: string[]; cc: string[]; bcc: string[]; subject: string }, message_id: string, timestamp: string) => ({
    success: true,
    message_id,
    to_recipients: mail.to,
    cc_recipients: mail.cc,
    bcc_recipients: mail.bcc,
    subject: mail.subject,
    sent_at: timestamp,
    status: "sent",
    timestamp,
  }),
  listed: (messages: JsonObject[], page: Page, total: number, timestamp: string) => ({
    success: true,
    total_count: total,
    returned_count: messages.length,
    messages,
    pagination: { limit: page.limit, skip: page.skip, total },
    timestamp,
  }),
  read: (message: JsonObject, timestamp: string) => ({ success: true, message_id: message.id, message, timestamp }),
  searched: (results: JsonObject[], query: string, timestamp: string) => ({
    success: true,
    total_results: results.length,
    results,
    query,
    timestamp,
  }),
  deleted: (message: JsonObject, timestamp: string) => ({ success: true, message_id: message.id, message, timestamp }),
  replied: (reply_id: string, parent_message_id: string, reply_body: string, timestamp: string) => ({
    success: true,
    reply_id,
    parent_message_id,
    reply_body,
    sent_at: timestamp,
    timestamp,
  }),
  connected: (user_id: string, timestamp: string) => ({
    success: true,
    message: "Connection successful",
    user_id,
    api_version: "v1.0",
    timestamp,
  }),
};
