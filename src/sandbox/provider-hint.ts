/**
 * A call to a provider method that does not exist fails in the engine with a bare "not a
 * function" (or "cannot read property … of undefined" for a provider the task did not declare).
 * The task's own source at the failing call says what was meant: the hint names the method and
 * the valid ones (SPEC 3). Only identifiers matched in the task's code and the fixed method lists
 * reach the message.
 */
import { PROVIDER_METHODS } from "../providers";
import type { ErrorLocation } from "./types";

/** `providers.P.M` (or `providers.P`) written just before the failing place on its line. */
const CALL_BEFORE = /providers\s*\.\s*([A-Za-z_$][\w$]*)(?:\s*\.\s*([A-Za-z_$][\w$]*))?\s*$/;

export function providerHint(code: string, location: ErrorLocation | undefined, uses: readonly string[]): string | undefined {
  if (location === undefined) return undefined;
  const line = code.split("\n", location.line)[location.line - 1];
  if (line === undefined) return undefined;
  const m = CALL_BEFORE.exec(line.slice(0, location.column - 1));
  if (m === null) return undefined;
  const [, provider, method] = m as unknown as [string, string, string | undefined];
  const known = Object.keys(PROVIDER_METHODS);
  if (!Object.hasOwn(PROVIDER_METHODS, provider)) return `providers.${provider} does not exist; the providers are ${known.join(", ")}`;
  if (!uses.includes(provider)) return `providers.${provider} is not available to this task: add "${provider}" to its uses`;
  const methods = PROVIDER_METHODS[provider as keyof typeof PROVIDER_METHODS] as readonly string[];
  if (method === undefined || methods.includes(method)) return undefined;
  return `providers.${provider}.${method} is not a method of ${provider}; its methods are ${methods.join(", ")}`;
}
