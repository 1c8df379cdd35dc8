/**
 * Turns of the event loop for slices of guest code: one slice a turn, with the process's input
 * read between two of them (SPEC 5: guest code runs one slice at a time; deadlines are per
 * attempt).
 *
 * Bun runs every immediate queued before a turn's check phase back to back, without reading
 * input in between. Attempts woken in the same turn (answered together) then computed one after
 * another while the answers sent to the others meanwhile waited unread in the pipe, their kill
 * times still counting: measured with 12 attempts answered 60 ms apart that each compute
 * 150 ms, the executor's alarm ended it for an attempt whose own time was ~800 ms of its
 * 1,000 ms, and five attempts ran again. An immediate queued from an immediate runs on the next
 * turn, after input is read; so the one immediate here lets in one waiter and queues the next.
 */
const waiting: (() => void)[] = [];
/** Waiters whose own time counts while they wait here: let in before the others. */
const urgent: (() => void)[] = [];

/**
 * Resolves on a turn of its own, after those asked for before it. `urgent`: the waiter's own
 * time keeps counting while it waits here (an attempt woken by its deadline timer, not by an
 * answer), so it goes before every waiter whose time stands still (answered, or not started):
 * behind five answered neighbours computing 150 ms each, an attempt woken at its deadline was
 * let in past its kill time, and the executor was ended for it with its neighbours in it.
 */
export function nextTurn(urgentWaiter = false): Promise<void> {
  return new Promise((resolve) => {
    (urgentWaiter ? urgent : waiting).push(resolve);
    if (urgent.length + waiting.length === 1) setImmediate(letOneIn);
  });
}

function letOneIn(): void {
  (urgent.shift() ?? waiting.shift())?.();
  if (urgent.length + waiting.length > 0) setImmediate(letOneIn);
}
