/**
 * How task code is wrapped before evaluation: the body of an async function (SPEC 5), plus a
 * marker that tells the host the body *returned* rather than threw.
 *
 * Why the marker: an async function hands its return value to its promise's resolve function,
 * which looks up the value's `then`. For a revoked proxy, a Proxy whose `get` trap throws, or a
 * throwing `then` getter, that lookup throws, and the promise is rejected as if the task had
 * thrown. Such a result is RESULT_NOT_JSON, not TASK_ERROR, and the two rejections look alike. So
 * when the body completes without throwing, the wrapper calls the marker, which queues one job;
 * that job runs before any job the resolution can queue (adopting a thenable), so the host,
 * reading the promise state in it, sees a rejection only if the resolution itself failed.
 *
 * The wrapper is a function of the marker, so the marker is no global. Task code could still
 * call it by its (unlikely) name; that only changes how its own failure is classified.
 */

export const TASK_FILENAME = "task.js";

/** A leading "use strict" directive must stay the first statement of the function body. */
const STRICT_DIRECTIVE = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*(["'])use strict\1/;

/**
 * `(function (marker) { ... })`: called with the marker, it starts the task and returns its
 * promise. Everything before the code sits on line 1, so line numbers in errors stay the task's.
 * Terse because it is parsed on every attempt (~8 characters per µs); the `$buddy$…` names
 * (marker, threw flag, caught error) are ones no task uses by accident, and `var` (not `let`)
 * gives a task declaring one of them no redeclaration error.
 */
export function wrapTask(code: string): string {
  const strict = STRICT_DIRECTIVE.test(code) ? '"use strict";' : "";
  return (
    `(function($buddy$r){return(async function(){${strict}var $buddy$t;try{${code}\n` +
    "}catch($buddy$e){$buddy$t=1;throw $buddy$e}finally{$buddy$t||$buddy$r()}})()})"
  );
}
