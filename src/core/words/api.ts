import { defineWords } from '../words.js';

/** An answer with a status other than 200: the status and the API's own words (or the start of what it sent). */
interface Answered {
  readonly status: number;
  readonly message: string;
}

/** What a 200 to an update holds instead of the change sent: no batch, another batch, or other values. */
type Unconfirmed =
  | { readonly answer: 'no-batch' }
  | { readonly answer: 'other-batch'; readonly answered: string; readonly id: string }
  | { readonly answer: 'other-values'; readonly differs: readonly { readonly field: string; readonly held: string; readonly sent: string }[] };

/**
 * What makes a 200 unreadable. `what`, `item` and `asked` name the things,
 * e.g. "the credit batches of client c-1", "credit batch b-1", "client c-1";
 * a value is already cut short for a message.
 */
type Unreadable =
  | { readonly fault: 'missing'; readonly what: string }
  | { readonly fault: 'no-id'; readonly item: string }
  | { readonly fault: 'not-object'; readonly item: string; readonly value: string }
  | { readonly fault: 'elsewhere'; readonly item: string; readonly owner: string; readonly asked: string }
  | { readonly fault: 'wrong-type'; readonly item: string; readonly field: string; readonly value: string; readonly expected: string }
  | { readonly fault: 'not-typed'; readonly item: string; readonly field: string; readonly expected: string }
  | { readonly fault: 'other-list'; readonly what: string; readonly field: string; readonly said: string; readonly asked: string };

/** What made a client's list of credit batches untrustworthy while it was read page by page. */
type BatchListFinding =
  | { readonly finding: 'listed-twice'; readonly clientId: string; readonly id: string }
  | { readonly finding: 'page-repeated'; readonly clientId: string; readonly page: number; readonly samePage: boolean }
  | { readonly finding: 'over-total'; readonly clientId: string; readonly listed: number; readonly total: number; readonly page: number }
  | { readonly finding: 'no-end'; readonly clientId: string; readonly page: number; readonly total: number | undefined; readonly maxPages: number }
  | { readonly finding: 'count'; readonly clientId: string; readonly listed: number; readonly total: number };

/** What made the instance's list of clients untrustworthy while it was read page by page. */
type ClientListFinding =
  | { readonly finding: 'no-end'; readonly maxPages: number }
  | { readonly finding: 'listed-twice'; readonly id: string }
  | { readonly finding: 'page-repeated'; readonly page: number; readonly saidMore: boolean }
  | { readonly finding: 'count'; readonly listed: number; readonly total: number };

/** What made a credit account's ledger untrustworthy while it was read page by page. */
export type LedgerFinding =
  | { readonly finding: 'no-end'; readonly maxPages: number }
  | { readonly finding: 'past-total'; readonly total: number; readonly pages: number; readonly pageSize: number }
  | { readonly finding: 'listed-twice'; readonly id: string }
  | { readonly finding: 'page-repeated'; readonly page: number; readonly saidMore: boolean }
  | { readonly finding: 'short'; readonly listed: number; readonly total: number };

const KEY_HINT = 'Check TI_API_KEY or --api-key-file: the key may be mistyped, revoked, or for another instance.';
const RUN_AGAIN = 'Run the command again; if it persists, the API is answering inconsistently.';
const answered = (facts: Answered): string => `${facts.status}: ${facts.message}`;

/**
 * The words of the API's failures (src/send, and the readers of its lists in
 * pipeline/operations): one code per status a person acts on differently,
 * one per way a request can get no usable answer. Every ApiError carries one
 * of these (or TIC-NOTHING-ANSWERS), and a row that fails reports it.
 */
export const API_WORDS = defineWords({
  'TIC-API-400': {
    kind: 'rejected',
    title: 'the API refused the row as a bad request (400)',
    message: answered,
  },
  'TIC-API-401': {
    kind: 'auth',
    title: 'the API rejected the key (401): the run stops',
    message: (facts: { readonly message: string }) => `the API rejected the key (401: ${facts.message})`,
    hint: () => KEY_HINT,
  },
  'TIC-API-403': {
    kind: 'auth',
    title: 'the key may not do what was asked (403): the run stops',
    message: (facts: { readonly permission: string; readonly message: string }) => `the API key is not allowed to ${facts.permission} (403: ${facts.message})`,
    hint: (facts: { readonly permission: string; readonly message: string }) => `Use a key with permission to ${facts.permission}.`,
  },
  'TIC-API-404': {
    kind: 'rejected',
    title: 'the API does not know the credit batch (or client) asked for (404)',
    message: answered,
  },
  'TIC-API-408': {
    kind: 'transient',
    title: 'the API said the request took too long (408): tried again',
    message: answered,
  },
  'TIC-API-409': {
    kind: 'rejected',
    title: 'the API refused the change as conflicting with the batch (409)',
    message: answered,
  },
  'TIC-API-422': {
    kind: 'rejected',
    title: 'the API refused a value of the row (422)',
    message: answered,
  },
  'TIC-API-429': {
    kind: 'transient',
    title: "the key's rate limit was reached (429): every request waits, then goes again",
    message: answered,
  },
  'TIC-API-5XX': {
    kind: 'transient',
    title: 'the API failed or was unavailable (500, 502, 503, 504): tried again',
    message: answered,
  },
  'TIC-API-STATUS': {
    kind: 'rejected',
    title: 'the API answered with another status than 200 (405, 413, 501…)',
    message: answered,
  },
  'TIC-API-REDIRECT': {
    kind: 'aborted',
    title: 'the server answered with a redirect, which would send the key elsewhere: the run stops',
    message: (facts: { readonly status: number; readonly location: string }) =>
      `the server answered ${facts.status} redirecting to ${facts.location}; ti-credits does not follow redirects, which would send the API key elsewhere`,
    hint: () => 'Point --base-url or --instance at the address the API is served from.',
  },
  'TIC-API-UPDATE-UNCONFIRMED': {
    kind: 'rejected',
    title: 'a 200 to an update that does not show the change made: check the batch before sending again',
    message: (facts: Unconfirmed) => {
      switch (facts.answer) {
        case 'no-batch':
          return 'the API answered 200 but without the updated credit batch; check the row in Thought Industries before sending it again';
        case 'other-batch':
          return `the API answered 200 for credit batch ${facts.answered} instead of ${facts.id}; check both in Thought Industries before sending the row again`;
        case 'other-values':
          return `the API answered 200 but holds ${facts.differs.map((each) => `${each.field} ${each.held} where ${each.sent} was sent`).join(', ')}; check the batch in Thought Industries`;
      }
    },
  },
  'TIC-API-ANSWER-UNREADABLE': {
    kind: 'rejected',
    title: 'a 200 whose content is not what the API documents (a field missing or of another type)',
    message: (facts: Unreadable) => {
      switch (facts.fault) {
        case 'missing':
          return `the API answered 200 without ${facts.what}`;
        case 'no-id':
          return `the API listed ${facts.item} without an id`;
        case 'not-object':
          return `the API listed ${facts.item} that is not an object (${facts.value})`;
        case 'elsewhere':
          return `the API listed ${facts.item} of ${facts.owner} among those of ${facts.asked}`;
        case 'wrong-type':
          return `the API listed ${facts.item} with ${facts.field} ${facts.value}, not ${facts.expected}`;
        case 'not-typed':
          return `the API listed ${facts.item} with a ${facts.field} that is not ${facts.expected}`;
        case 'other-list':
          return `the API answered with ${facts.what} of ${facts.field} ${facts.said} when asked for those of ${facts.asked}`;
      }
    },
  },
  'TIC-API-BATCHES-INCONSISTENT': {
    kind: 'rejected',
    title: "a client's list of credit batches contradicted itself while it was read",
    message: (facts: BatchListFinding) => {
      switch (facts.finding) {
        case 'listed-twice':
          return `the API listed credit batch ${facts.id} of client ${facts.clientId} twice, with different values; the list may have changed while it was read`;
        case 'page-repeated':
          return `the API answered page ${facts.page} of the credit batches of client ${facts.clientId} with ${facts.samePage ? `the very batches of page ${facts.page - 1}` : 'only batches it had listed already'}, yet said more were to come; reading stopped there rather than go round`;
        case 'over-total':
          return `the API listed more credit batches for client ${facts.clientId} than the ${facts.total} it said it has (${facts.listed} by page ${facts.page}); the list may have changed while it was read`;
        case 'no-end': {
          const why =
            facts.total === undefined
              ? `${facts.maxPages} pages, the most ti-credits reads for one client`
              : `${facts.page} pages, more than the ${facts.total} batches it said it has need`;
          return `the API still said more credit batches of client ${facts.clientId} were to come after ${why}; reading stopped there rather than go on without end`;
        }
        case 'count':
          return `the API listed ${facts.listed} credit batches for client ${facts.clientId} but said it has ${facts.total}; the list may have changed while it was read`;
      }
    },
    hint: () => RUN_AGAIN,
  },
  'TIC-API-CLIENTS-INCONSISTENT': {
    kind: 'rejected',
    title: "the instance's list of clients contradicted itself while it was read",
    message: (facts: ClientListFinding) => {
      switch (facts.finding) {
        case 'no-end':
          return `the API still had more clients after ${facts.maxPages} pages`;
        case 'listed-twice':
          return `the API listed client ${facts.id} twice, with different names; the list may have changed while it was read`;
        case 'page-repeated':
          return `page ${facts.page} of the clients listed only clients already read${facts.saidMore ? ' though the API said there were more' : ''}; the list cannot be read whole`;
        case 'count':
          return `the API listed ${facts.listed} clients but said it has ${facts.total}; the list may have changed while it was read`;
      }
    },
    hint: () => RUN_AGAIN,
  },
  'TIC-API-LEDGER-INCONSISTENT': {
    kind: 'rejected',
    title: "a credit account's ledger (credit actions) contradicted itself while it was read",
    /** `whose` names the credit account and its client. */
    message: (facts: LedgerFinding & { readonly actionType: string; readonly whose: string }) => {
      switch (facts.finding) {
        case 'no-end':
          return `the API still had more ${facts.actionType} actions for ${facts.whose} after ${facts.maxPages} pages`;
        case 'past-total':
          return `the API said ${facts.whose} has ${facts.total} ${facts.actionType} actions, yet still listed more after ${facts.pages} pages of ${facts.pageSize}`;
        case 'listed-twice':
          return `the API listed ${facts.actionType} action ${facts.id} of ${facts.whose} twice, with different values; the ledger may have changed while it was read`;
        case 'page-repeated':
          return `page ${facts.page} of the ${facts.actionType} actions of ${facts.whose} listed only actions already read${facts.saidMore ? ' though the API said there were more' : ''}; the ledger cannot be read whole`;
        case 'short':
          return `the API listed ${facts.listed} ${facts.actionType} actions for ${facts.whose} but said it has ${facts.total}; some were not listed`;
      }
    },
    hint: () => 'Run the reconciliation again (ti-credits verify); if it persists, the API is answering inconsistently.',
  },
  'TIC-API-KEY-UNCONFIRMED': {
    kind: 'auth',
    title: 'GET /ping answered 200 without confirming the key: the run stops',
    message: () => 'the API did not confirm the key (GET /ping answered without "valid": true)',
    hint: () => 'Check TI_API_KEY or --api-key-file.',
  },
  'TIC-API-KEY-UNCHECKED': {
    kind: 'aborted',
    title: 'the key could not be checked: GET /ping failed after its retries',
    message: (facts: { readonly failure: string }) => `the key could not be checked: GET /ping failed (${facts.failure})`,
    hint: () => 'Check --instance or --base-url, and that the API is up; or pass --offline to check the file alone.',
  },
  'TIC-API-TIMEOUT': {
    kind: 'transient',
    title: 'the API did not answer in time: tried again (the request may have been applied)',
    message: (facts: { readonly detail: string }) => `the API did not answer in time (${facts.detail})`,
  },
  'TIC-API-NETWORK': {
    kind: 'transient',
    title: 'the connection failed (reset, closed mid-answer…): tried again',
    message: (facts: { readonly code: string; readonly detail: string }) => `network error (${facts.code}): ${facts.detail}`,
  },
  'TIC-API-HOST-UNKNOWN': {
    kind: 'aborted',
    title: 'the API host does not exist: the run stops',
    message: (facts: { readonly host: string }) => `the host ${facts.host} does not exist`,
    hint: () => 'Check --instance (the name in https://<name>.thoughtindustries.com) or --base-url.',
  },
  'TIC-API-TLS-UNTRUSTED': {
    kind: 'aborted',
    title: "the API host's certificate cannot be trusted: the run stops, the key unsent",
    message: (facts: { readonly host: string; readonly code: string }) =>
      `the secure connection to ${facts.host} failed (${facts.code}); its certificate cannot be trusted`,
    hint: () => 'Check --base-url; ti-credits never sends the key over an untrusted connection.',
  },
  'TIC-API-ANSWER-TOO-LARGE': {
    kind: 'transient',
    title: 'an answer larger than any the API gives, cut off unread (the request may have been applied)',
    message: (facts: { readonly megabytes: number }) =>
      `the answer was larger than ${facts.megabytes} MB (a credit batch takes under 1 KB), so it was cut off unread: the server is not answering as the API does`,
  },
  'TIC-API-WAIT-TOO-LONG': {
    kind: 'transient',
    title: 'the API asked to wait longer before trying again than ti-credits waits for one row',
    message: (facts: { readonly failure: string; readonly seconds: number }) =>
      `${facts.failure}; the API asked to wait ${facts.seconds} s before trying again, longer than ti-credits waits for one row`,
  },
  'TIC-API-THROTTLED-TOO-LONG': {
    kind: 'transient',
    title: 'a row throttled (429) for longer than --max-throttle-wait allows',
    message: (facts: { readonly failure: string | undefined; readonly seconds: number }) =>
      `the API kept throttling requests (429)${facts.failure === undefined ? '' : ` (${facts.failure})`} for longer than --max-throttle-wait allows one row (${facts.seconds} s)`,
  },
  'TIC-API-NOT-RETRIED': {
    kind: 'transient',
    title: 'a row that failed and was not tried again because the run stopped',
    message: (facts: { readonly failure: string; readonly reason: string }) => `${facts.failure}; not tried again because ${facts.reason}`,
  },
  'TIC-API-UNAVAILABLE': {
    kind: 'aborted',
    title: 'request after request failed after every retry (the circuit breaker opened): the run stops',
    message: (facts: { readonly rows: number; readonly reads: number; readonly last: string }) => {
      const { rows, reads } = facts;
      const plural = (n: number, one: string): string => `${n} ${n === 1 ? one : `${one}s`}`;
      const failed =
        reads === 0
          ? `the last ${rows} rows sent all failed`
          : rows === 0
            ? `the last ${plural(reads, 'read')} of the API all failed (no row was sent)`
            : `the last ${rows + reads} requests all failed (${plural(rows, 'row')} sent, ${plural(reads, 'read')})`;
      return `${failed} after every retry (the last: ${facts.last}); the API looks unavailable`;
    },
    hint: () => 'Once the API answers again, continue the run with the --resume command below.',
  },
});
