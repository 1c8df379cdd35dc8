/**
 * Credentials come only from the environment (SPEC 6). The CLI checks them before a live run
 * starts, and every text that could carry one (upstream error bodies above all) is scrubbed of
 * their values before it goes anywhere.
 */
import { BuddyError, escapeControls, type Provider } from "../core";
import { MIN_SECRET_LENGTH, REDACTED, Redactor, visible } from "./redact";

export { REDACTED } from "./redact";

export type Env = Record<string, string | undefined>;

/** Variables a live run needs per provider; Mployer has none because it cannot run live. */
export const REQUIRED_ENV: Record<Provider, readonly string[]> = {
  mployer: [],
  ghl: ["GHL_API_TOKEN", "GHL_LOCATION_ID"],
  msgraph: ["MSGRAPH_TENANT_ID", "MSGRAPH_CLIENT_ID", "MSGRAPH_CLIENT_SECRET", "MSGRAPH_SENDER"],
};

/** Optional overrides of the upstream addresses, so tests can point the clients at local fakes. */
const BASE_URL_ENV: Record<Exclude<Provider, "mployer">, readonly string[]> = {
  ghl: ["BUDDY_GHL_BASE_URL"],
  msgraph: ["BUDDY_MSGRAPH_BASE_URL", "BUDDY_MSGRAPH_TOKEN_URL"],
};

/** Variables whose values are secrets: never printed, stored or echoed. */
const SECRET_ENV = ["GHL_API_TOKEN", "MSGRAPH_CLIENT_SECRET"] as const;

export const MPLOYER_LIVE_PROBLEM =
  "Mployer has no public API (the original drove a browser through its web site), so --live cannot " +
  "call it; run without --live to use the Mployer mock";

/**
 * Live mode (SPEC 6): the flag when one is given (`--live`, or `--no-live`, which forces a dry
 * run whatever the environment says), else `DRY_RUN=false`. Unset or blank, DRY_RUN means a dry
 * run; a value other than true or false is refused (exit 2) rather than guessed, so neither a
 * typo nor `DRY_RUN=0` can turn real calls on, or off, by accident.
 */
export function isLiveMode(flag: boolean | undefined, env: Env): boolean {
  if (flag !== undefined) return flag;
  const value = (env.DRY_RUN ?? "").trim().toLowerCase();
  if (value === "" || value === "true") return false;
  if (value === "false") return true;
  throw new BuddyError("USAGE", `DRY_RUN must be true or false, got ${JSON.stringify(escapeControls(env.DRY_RUN!))}`);
}

/** Set means present and not blank: an empty variable is as good as a missing one. */
export const isSet = (env: Env, name: string): boolean => (env[name] ?? "").trim() !== "";

/**
 * Problems that stop a run before it starts (exit 2), in task order: each missing variable once,
 * naming the first task that needs it. Dry runs need nothing.
 */
export function checkProviderCredentials(
  tasks: Iterable<{ task_id: string; uses: readonly Provider[] }>,
  options: { live: boolean; env: Env },
): string[] {
  if (!options.live) return [];
  const problems: string[] = [];
  const reported = new Set<string>();
  for (const task of tasks) {
    for (const provider of task.uses) {
      if (provider === "mployer") {
        if (!reported.has("mployer")) problems.push(`task ${JSON.stringify(task.task_id)} uses mployer: ${MPLOYER_LIVE_PROBLEM}`);
        reported.add("mployer");
        continue;
      }
      for (const name of REQUIRED_ENV[provider]) {
        if (reported.has(name)) continue;
        const problem = !isSet(options.env, name)
          ? "is not set"
          : (SECRET_ENV as readonly string[]).includes(name)
            ? secretProblem(options.env[name]!)
            : undefined;
        if (problem === undefined) continue;
        reported.add(name);
        problems.push(`${name} ${problem}; task ${JSON.stringify(task.task_id)} uses ${provider} and --live needs it`);
      }
      for (const name of BASE_URL_ENV[provider]) {
        if (reported.has(name) || !isSet(options.env, name) || isHttpUrl(options.env[name]!)) continue;
        reported.add(name);
        problems.push(`${name} is not an http(s) URL${urlHint(options.env[name]!, options.env)}`);
      }
    }
  }
  return problems;
}

/**
 * What of a bad base URL a message may show: its scheme and host, scrubbed of secrets, never its
 * path or query (where a token pasted by mistake would sit); nothing when it is not a URL at all.
 */
function urlHint(text: string, env: Env): string {
  try {
    const url = new URL(text.trim());
    return `: ${redact(JSON.stringify(`${url.protocol}//${url.host}`), env)} (path and query not shown)`;
  } catch {
    return " (value not shown: it may hold a secret)";
  }
}

function isHttpUrl(text: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** The secret values of `env`, as set and as the clients send them (trimmed). */
export function secretValues(env: Env): string[] {
  return SECRET_ENV.flatMap((name) => [env[name] ?? "", (env[name] ?? "").trim()]).filter((v) => v !== "");
}

/** `text` with every secret value of `env` (and `extra`), in every spelling, replaced by "[redacted]". */
export function redact(text: string, env: Env, extra: Iterable<string> = []): string {
  return new Redactor([...secretValues(env), ...extra]).redact(text);
}

/**
 * Why `value` cannot serve as a secret, or undefined: one too short to be told apart from
 * ordinary text (or part of the redaction marker itself) could not be kept out of outputs.
 */
export function secretProblem(value: string): string | undefined {
  // Invisible characters do not count: the matcher skips them.
  const v = visible(value).trim();
  if (v.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters, too short to be kept out of outputs`;
  if (REDACTED.includes(v)) return `is part of the redaction marker ${JSON.stringify(REDACTED)}`;
  return undefined;
}
