/**
 * Runs `handler` when `signal` aborts, or at once if it already has: a
 * listener added to an aborted signal never fires, so a Ctrl-C that came
 * while a run was starting (reading the key, checking the ledger) would be
 * lost, and the run would send as if it had never come. Returns what
 * removes the listener.
 */
export function onAbort(signal: AbortSignal | undefined, handler: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    handler();
    return () => {};
  }
  signal.addEventListener('abort', handler, { once: true });
  return () => signal.removeEventListener('abort', handler);
}
