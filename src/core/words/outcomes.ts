import { defineWords } from '../words.js';

/**
 * The words of what became of a valid row that was not updated, each under
 * the code report.csv and failed.csv carry in their `code` column: a row the
 * plan found it cannot send (its batch not among its client's, a guardrail),
 * a batch that moved (drifted), a request that may have landed (uncertain),
 * a row skipped and why, a change withheld just before its request. A row
 * that failed at the API carries its error's code instead (TIC-API-…), or
 * TIC-SEND-FAILED when the error has none.
 */
export const OUTCOME_WORDS = defineWords({
  'TIC-BATCH-NOT-FOUND': {
    kind: 'row',
    title: "A row's id is not among its client's credit batches (or not in the credit account it names)",
    message: (facts: { readonly id: string; readonly clients: readonly string[]; readonly account: string | undefined }) => {
      const account = facts.account === undefined ? '' : `'s credit account ${facts.account}`;
      return `id ${facts.id} is not a credit batch of client ${facts.clients.join(' or ')}${account}; check the id, the client${account === '' ? '' : ' and the credit account'}`;
    },
  },
  'TIC-NOT-PLANNED': {
    kind: 'row',
    title: 'A row of a saved plan or a resumed run that the plan did not send (no baseline recorded)',
    message: (facts: { readonly id: string; readonly clientId: string | undefined }) =>
      `id ${facts.id} is not a credit batch of ${facts.clientId === undefined ? 'the clients read' : `client ${facts.clientId}`}, or the plan found it invalid; check the id and the client`,
  },
  'TIC-BATCH-FIELD-MISSING': {
    kind: 'row',
    title: 'The API listed the batch without a field the row changes: nothing to check the change against',
    // With the batch's id: found by the plan; without: found just before the request.
    message: (facts: { readonly id: string; readonly field: string } | { readonly field: string }) =>
      'id' in facts
        ? `the API listed credit batch ${facts.id} without its ${facts.field}, so this row cannot be checked against it; it is not sent`
        : `not sent: the API listed the batch without its ${facts.field}, so the change cannot be checked against it`,
  },
  'TIC-DELTA-BELOW-ZERO': {
    kind: 'row',
    title: 'A currentBalanceDelta that would take the balance below 0',
    // With `now`: found just before the request, against the balance read then.
    message: (
      facts: { readonly id: string; readonly delta: number | undefined; readonly before: string; readonly after: string } | { readonly now: string },
    ) =>
      'now' in facts
        ? `not sent: the delta would take the balance, now ${facts.now}, below 0`
        : `currentBalanceDelta ${String(facts.delta)} would take the balance of ${facts.id} from ${facts.before} to ${facts.after}, below 0`,
  },
  'TIC-DELTA-BEYOND-LARGEST': {
    kind: 'row',
    title: 'A currentBalanceDelta that would take the balance beyond the largest whole number sent exactly',
    message: (facts: { readonly id: string; readonly delta: number | undefined; readonly before: string }) =>
      `currentBalanceDelta ${String(facts.delta)} would take the balance of ${facts.id} from ${facts.before} beyond 9007199254740991, the largest whole number sent exactly`,
  },
  'TIC-OVER-MAX-BALANCE-CHANGE': {
    kind: 'row',
    title: 'A balance change larger than --max-balance-change allows',
    message: (facts: { readonly moved: number; readonly limit: number }) =>
      `the balance would change by ${facts.moved.toLocaleString('en-US')} credits, more than --max-balance-change allows (${facts.limit.toLocaleString('en-US')})`,
  },
  'TIC-OVER-MAX-EXPIRY-MOVE': {
    kind: 'row',
    title: 'An expiry moved further than --max-expiry-move allows',
    message: (facts: { readonly days: number; readonly limit: number }) =>
      `expiresOn would move by ${facts.days.toFixed(1)} days, more than --max-expiry-move allows (${facts.limit})`,
  },
  'TIC-DRIFTED': {
    kind: 'row',
    title: 'The batch changed since the values the row was prepared from: not sent, so as not to overwrite that change',
    message: (facts: { readonly unlisted: boolean }) =>
      `drifted: the batch no longer holds the values this row was prepared from (baseline), so sending it would overwrite a change made since; see live${facts.unlisted ? ': the batch is no longer listed for its client' : ''}`,
  },
  'TIC-UNCERTAIN': {
    kind: 'row',
    title: 'A delta whose request may have been applied (its answer was lost) on a balance that moved since: a person must look',
    message: () =>
      'may have been applied: a request adding this delta left but its answer was lost, and the batch now holds neither the balance the delta was added to nor that balance plus the delta (learners redeemed meanwhile), so it is not sent again; look the batch up in Thought Industries (its credit ledger shows whether the change landed) and correct it by hand if needed',
  },
  'TIC-RECHECK-FAILED': {
    kind: 'row',
    title: "The client's batches could not be read again to check the row just before its request",
    message: (facts: { readonly why: string }) => `not sent: its client's batches could not be read again to check it (${facts.why})`,
  },
  'TIC-SEND-FAILED': {
    kind: 'row',
    title: 'A row the API did not update, for an error without a code of its own',
    message: (facts: { readonly message: string }) => facts.message,
  },
  'TIC-SKIPPED-INVALID-ROWS': {
    kind: 'row',
    title: 'A valid row not sent because other rows of the file are invalid (--skip-invalid sends the valid ones)',
    message: () => 'not sent because other rows of the file are invalid',
  },
  'TIC-SKIPPED-DELTA-BLIND': {
    kind: 'row',
    title: 'A row not sent because a currentBalanceDelta column needs the live balance, which --blind does not read',
    message: () => 'not sent: a delta needs the live balance',
  },
  'TIC-SKIPPED-LIVE-UNREAD': {
    kind: 'row',
    title: 'A row not sent because the live values could not be read',
    message: () => 'not sent: the live values could not be read',
  },
  'TIC-SKIPPED-KEY-REFUSED': {
    kind: 'row',
    title: 'A row not checked against the live values because the key was not accepted',
    message: () => 'not checked against the live values: the key was not accepted',
  },
  'TIC-SKIPPED-CLIENT-UNKNOWN': {
    kind: 'row',
    title: 'A row not sent because some rows name no client and no --client was given',
    message: () => 'not sent: the client of some rows is unknown',
  },
  'TIC-SKIPPED-GUARDRAIL': {
    kind: 'row',
    title: 'A row not sent because the plan goes beyond a run-wide guardrail (--max-rows, --max-total-change)',
    message: () => 'not sent: the plan goes beyond a guardrail',
  },
  'TIC-SKIPPED-NOT-CONFIRMED': {
    kind: 'row',
    title: 'A row not sent because the plan was not confirmed',
    message: () => 'not sent: the plan was not confirmed',
  },
  'TIC-SKIPPED-INTERRUPTED': {
    kind: 'row',
    title: 'A row not sent because the run was interrupted before sending began',
    message: () => 'not sent: the run was interrupted before sending began',
  },
  'TIC-SKIPPED-RUN-STOPPED': {
    kind: 'row',
    title: 'A row not sent because the run stopped first (the key refused, the API down, Ctrl-C): --resume sends it',
    message: (facts: { readonly reason: string }) => facts.reason,
  },
});
