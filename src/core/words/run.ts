import { defineWords } from '../words.js';

const count = (n: number): string => n.toLocaleString('en-US');

/** What was at work when the operator stopped it. */
export type InterruptedWork = 'run' | 'snapshot' | 'rollover' | 'verification' | 'clients';

/** The file a resumed run was given, against the one its folder recorded. */
interface OtherFile {
  readonly input: string;
  readonly folder: string;
  /** The file the run was started with, when it is another path; undefined when the same file has changed. */
  readonly recorded: string | undefined;
  /** Whether the run in the folder sent anything: a run that sent nothing is started again, not resumed. */
  readonly sentAnything: boolean;
}

/**
 * The words of a run (src/pipeline): refusals before anything is sent, a
 * file that changes under a run, resumes and saved plans that do not match,
 * guardrails, verify's checks, an interruption, and the bugs a report quotes.
 */
export const RUN_WORDS = defineWords({
  'TIC-INPUT-CHANGED-BEFORE-SENDING': {
    kind: 'invalid',
    title: 'the input file changed while it was read, before anything was sent',
    message: (facts: { readonly path: string }) => `${facts.path} changed while it was being read (rows added, or edited); nothing was sent.`,
    hint: () => 'Save the file, close the program editing it and run again.',
  },
  'TIC-INPUT-CHANGED-WHILE-SENDING': {
    kind: 'aborted',
    title: 'the input file changed while its rows were being sent: sending stopped at once',
    message: (facts: { readonly path: string }) =>
      `${facts.path} changed while its rows were being sent (rows added, or edited): sending stopped at once, since only the rows validated may be sent; the rows not sent are reported skipped.`,
    hint: () =>
      'Leave the file alone while a run reads it. --resume refuses a changed file: put the rows not updated (failed.csv) in a new file and run apply on it.',
  },
  'TIC-FILE-HAS-INVALID-ROWS': {
    kind: 'invalid',
    title: 'some rows of the file are invalid, so nothing was sent (without --skip-invalid)',
    message: () => 'Nothing was sent: some rows of the file are invalid.',
    hint: () =>
      'Fix the rows marked invalid in report.csv (failed.csv holds every row, ready to correct and re-run), or pass --skip-invalid to send the valid rows only.',
  },
  'TIC-FILE-HAS-UNKNOWN-BATCHES': {
    kind: 'invalid',
    title: "rows name credit batches that are not among their client's, so nothing was sent",
    message: (facts: { readonly rows: number }) =>
      `Nothing was sent: ${facts.rows === 1 ? '1 row names' : `${count(facts.rows)} rows name`} a credit batch that is not among its client's.`,
    hint: () => 'Fix the ids (or clients) marked invalid in report.csv, or pass --skip-invalid to send the other rows.',
  },
  'TIC-ROWS-WITHOUT-CLIENT': {
    kind: 'invalid',
    title: 'rows that do not say their client, with no --client to look them up: their live values cannot be read',
    message: (facts: { readonly rows: number }) =>
      `Nothing was sent: ${facts.rows === 1 ? '1 row does' : `${count(facts.rows)} rows do`} not say which client its credit batch belongs to, so its live values cannot be read.`,
    hint: () =>
      'Add a clientId column (a snapshot has one), or pass --client <id> for each client whose batches the file holds; --blind sends without reading, as ti-credits did before.',
  },
  'TIC-DELTA-NEEDS-LIVE-VALUES': {
    kind: 'invalid',
    title: 'a currentBalanceDelta column with --blind, which does not read the balances it adds to',
    message: () => 'Nothing was sent: a currentBalanceDelta column adds to the live balances, which --blind does not read.',
    hint: () => 'Leave out --blind; the balances are then read just before each row is sent.',
  },
  'TIC-LIVE-VALUES-UNREADABLE': {
    kind: 'invalid',
    title: "a client's credit batches could not be read before sending, so nothing was sent",
    message: (facts: { readonly clientId: string; readonly reason: string }) =>
      `Nothing was sent: the credit batches of client ${facts.clientId} could not be read (${facts.reason}).`,
    hint: () => 'Check the client id; if the API was unavailable, run the command again.',
  },
  'TIC-OVER-MAX-ROWS': {
    kind: 'invalid',
    title: 'the plan sends more rows than --max-rows allows',
    message: (facts: { readonly rows: number; readonly limit: number }) =>
      `Nothing was sent: the plan sends ${count(facts.rows)} rows, more than --max-rows allows (${count(facts.limit)}).`,
    hint: () => 'Split the file, or raise --max-rows if the run is meant to be that large.',
  },
  'TIC-OVER-MAX-TOTAL-CHANGE': {
    kind: 'invalid',
    title: "the plan's balance changes add up to more credits than --max-total-change allows",
    message: (facts: { readonly credits: bigint; readonly limit: number }) =>
      `Nothing was sent: the plan's balance changes add up to ${facts.credits.toLocaleString('en-US')} credits, more than --max-total-change allows (${count(facts.limit)}).`,
    hint: () => 'Check the balances in the file (plan.csv lists every change), or raise --max-total-change if the run is meant to move that much.',
  },
  'TIC-PLAN-OTHER-TARGET': {
    kind: 'invalid',
    title: 'a saved plan applied to another instance than the one it was made for',
    message: (facts: { readonly folder: string; readonly madeFor: string; readonly target: string }) =>
      `The plan in ${facts.folder} was made for ${facts.madeFor}, not ${facts.target}; nothing was sent.`,
    hint: (facts: { readonly folder: string; readonly madeFor: string; readonly target: string }) =>
      `Send it to ${facts.madeFor} (--base-url, --instance or the --profile that names it; TI_BASE_URL, TI_INSTANCE and the config file's profile name a target too), or make a plan for the other instance.`,
  },
  'TIC-PLAN-TOO-OLD': {
    kind: 'invalid',
    title: 'a saved plan made longer ago than --max-plan-age allows',
    message: (facts: { readonly folder: string; readonly madeAt: string; readonly age: string; readonly limit: string }) =>
      `The plan in ${facts.folder} was made at ${facts.madeAt}, ${facts.age} ago, longer ago than --max-plan-age allows (${facts.limit}); nothing was sent.`,
    hint: () => 'Make the plan again, so that it is checked against the values the batches hold now, and have it approved again.',
  },
  'TIC-RESUME-OTHER-FILE': {
    kind: 'invalid',
    title: '--resume given another file than the run was started with, or the file changed since',
    message: (facts: OtherFile) =>
      facts.recorded === undefined
        ? `${facts.input} has changed since the run in ${facts.folder} started, so its rows no longer match what that run recorded.`
        : `${facts.input} is not the file the run in ${facts.folder} was started with (${facts.recorded}).`,
    hint: (facts: OtherFile) =>
      // A run refused before sending (invalid rows, a plan not confirmed) is fixed by a new run, not resumed.
      facts.sentAnything
        ? 'Resume with the file exactly as it was. A new run of the changed file sends its rows again: absolute values already set come out unchanged, but a currentBalanceDelta already applied would be added a second time, so leave out of it the rows report.csv records updated (failed.csv holds those not).'
        : 'That run sent nothing: start a new run (without --resume) with the file as it is now.',
  },
  'TIC-RESUME-OTHER-TARGET': {
    kind: 'invalid',
    title: '--resume against another instance than the run sent to',
    message: (facts: { readonly folder: string; readonly recorded: string; readonly target: string }) =>
      `The run in ${facts.folder} sent to ${facts.recorded}, not ${facts.target}.`,
    hint: (facts: { readonly folder: string; readonly recorded: string; readonly target: string }) =>
      `Resume it against ${facts.recorded}: with --base-url ${facts.recorded}, the --instance or the --profile it was started with; TI_BASE_URL, TI_INSTANCE and the config file's profile name a target too.`,
  },
  'TIC-RESUME-SETTING-DIFFERS': {
    kind: 'invalid',
    title: '--resume with another reading setting (or --skip-invalid, --blind) than the run was started with',
    message: (facts: { readonly folder: string; readonly setting: string; readonly recorded: string; readonly current: string }) =>
      `The run in ${facts.folder} was started with ${facts.setting} ${facts.recorded}, not ${facts.current}.`,
    hint: () => 'Resume it with the same settings as recorded in its run.json, so that every row means what it meant then.',
  },
  'TIC-VERIFY-OTHER-TARGET': {
    kind: 'invalid',
    title: 'verify against another instance than the run sent to',
    message: (facts: { readonly folder: string; readonly recorded: string; readonly target: string }) =>
      `The run in ${facts.folder} sent to ${facts.recorded}, not ${facts.target}: its rows cannot be checked there.`,
    hint: (facts: { readonly folder: string; readonly recorded: string; readonly target: string }) =>
      `Verify it against ${facts.recorded}, the target it was sent to (the default when no target is given).`,
  },
  'TIC-VERIFY-UNFINISHED': {
    kind: 'invalid',
    title: 'verify of a run that has not finished',
    message: (facts: { readonly folder: string }) => `The run in ${facts.folder} has not finished: it is still sending, or it was killed before it could end.`,
    hint: () => 'Wait for it to end, or continue it with apply --resume, then verify it.',
  },
  'TIC-VERIFY-ROWS-WITHOUT-CLIENT': {
    kind: 'invalid',
    title: 'verify of rows that do not say their client, with no --client',
    message: (facts: { readonly rows: number; readonly folder: string }) =>
      `${facts.rows === 1 ? '1 row' : `${count(facts.rows)} rows`} of the run in ${facts.folder} do not say which client their batch belongs to.`,
    hint: () => 'Pass --client <id> for each client whose batches the run updated.',
  },
  'TIC-SNAPSHOT-UNWRITABLE': {
    kind: 'invalid',
    title: 'a credit batch snapshot.csv cannot hold so that it reads back as the API gave it',
    message: (facts: { readonly id: string; readonly clientId: string; readonly problem: string }) =>
      `The credit batch ${facts.id} of client ${facts.clientId} cannot be written to snapshot.csv so that it reads back as the API gave it: ${facts.problem}; no snapshot was written.`,
    hint: () => 'Correct that batch in Thought Industries, then take the snapshot again.',
  },
  'TIC-INTERRUPTED': {
    kind: 'aborted',
    title: 'stopped by the operator (Ctrl-C)',
    message: (facts: { readonly work: InterruptedWork }) =>
      facts.work === 'clients' ? 'Interrupted: the list of clients was not read whole.' : `The ${facts.work} was interrupted.`,
  },
  'TIC-READ-NOT-MADE': {
    kind: 'aborted',
    title: 'a read of live values not made because the run had stopped',
    message: (facts: { readonly reason: string }) => facts.reason,
  },
  'TIC-INTERNAL-NO-GUARD': {
    kind: 'internal',
    title: 'the live values read by a run that does not read before writing',
    message: () => 'the live values are read only by a run that reads before writing',
  },
  'TIC-INTERNAL-NO-SEND-STAGE': {
    kind: 'internal',
    title: 'a row sent by a run without a send stage',
    message: () => 'a run that sends has a send stage and a sent.log',
  },
  'TIC-INTERNAL-READ-WITHHELD': {
    kind: 'internal',
    title: 'a read withheld by a guard, which reads do not have',
    message: () => 'a read was withheld',
  },
  'TIC-INTERNAL-NO-BASELINE': {
    kind: 'internal',
    title: 'report.csv holds a field written without its baseline',
    message: (facts: { readonly line: number; readonly field: string }) => `report.csv line ${facts.line}: ${facts.field} was written without its baseline`,
  },
});
