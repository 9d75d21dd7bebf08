import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { IANAZone } from 'luxon';
import type { Options } from 'yargs';
import { TiError } from '../core/errors.js';
import { MIN_KEY_LENGTH } from '../core/secret.js';
import { LOG_LEVELS, type LogLevel } from '../report/log.js';
import { readPlanDocument } from '../report/plan-document.js';
import { readRunRecord, type RecordedOptions } from '../report/run-record.js';
import type { FaultOptions } from '../mock/faults.js';
import type { RateLimitOptions } from '../mock/rate-limit.js';
import { MOCK_PER_PAGE } from '../mock/paging.js';
import type { RunOptions } from '../pipeline/run-options.js';
import type { SendOptions } from '../send/options.js';
import type { InputChoice } from '../read/data-rows.js';
import type { Delimiter } from '../read/layout.js';
import { encodingName } from '../read/text-encoding.js';
import { API_PATH } from '../send/api-target.js';
import { DATE_ONLY_MEANINGS, defaultRules, parseDateFormat, type DateOnlyMeaning, type FieldRules } from '../validate/rules.js';
import type { Terminal } from './io.js';

/**
 * Every option of every command: how yargs shows it, and how its raw value
 * becomes a checked, typed option. Numbers are taken as strings and parsed
 * here, strictly, because yargs would quietly turn "1e3" into 1000 and "x" into NaN.
 */

export const DEFAULTS = {
  concurrency: 4,
  rate: 120,
  burst: 20,
  retries: 5,
  maxThrottleWaitS: 900,
  circuitBreaker: 10,
  retryDelayMs: 1000,
  timeoutMs: 30_000,
  mockPort: 4010,
  progressIntervalS: 30,
  maxStalenessS: 600,
  maxPlanAgeS: 86_400,
} as const;

/** Longest a single Retry-After may hold a row before it is failed instead. */
const MAX_RETRY_AFTER_MS = 15 * 60_000;
/** Longest backoff between two retries of a row. */
const MAX_RETRY_DELAY_MS = 60_000;

/**
 * How a numeric option is declared: shown as [number] in --help, handed over
 * as the text typed. yargs never converts an option declared a string, and
 * labels it in --help by the last type declared, number; so "1e3" reaches
 * `integer` as typed, to be refused rather than read as 1000.
 */
const NUMBER = { type: 'string', number: true } as const;

export const readingOptions = {
  encoding: { type: 'string', describe: "The file's encoding when it has no byte order mark, e.g. windows-1252 (Excel's plain CSV on Western systems), latin1, utf-16le [default: utf-8]" },
  delimiter: { type: 'string', describe: 'comma, semicolon or tab [default: detected from the header line]' },
  sheet: { type: 'string', describe: 'The sheet of an Excel workbook to read [default: the one sheet whose first row is the header]' },
  'date-only': { type: 'string', choices: DATE_ONLY_MEANINGS, default: 'end-of-day', describe: 'What an expiresOn date without a time means: the last or the first moment of that day' },
  timezone: { type: 'string', default: 'UTC', describe: 'IANA time zone in which an expiresOn date without a time is read, e.g. America/New_York' },
  'date-format': { type: 'string', describe: 'Accept expiresOn display dates in this format: MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY/MM/DD… [default: ISO 8601 only]' },
  'allow-past-expiry': { type: 'boolean', default: false, describe: 'Accept expiresOn dates already past (which expire the credits at once)' },
  'thousands-separator': { type: 'string', describe: 'Accept currentBalance grouped with this character: "," "." "\'" or space [default: digits only]' },
  'extra-column': {
    type: 'string',
    describe: 'Carry this column to the report as a note, unread, though its name resembles a column ti-credits reads (e.g. "Current Balance"); give it once per column',
  },
} as const satisfies Record<string, Options>;

/** Options that may be given more than once, each time adding a value; a config file gives them as a list. */
export const REPEATABLE_OPTIONS: readonly string[] = ['extra-column'];

export const reportOptions = {
  out: { type: 'string', describe: 'Folder for the report, failed.csv, run.log and summary.json [default: reports/<UTC time>-<file name>/]' },
  excel: { type: 'boolean', default: false, describe: 'Also write report.xlsx and failed.xlsx, typed (dates as dates, balances as numbers), and start the CSV files with a UTF-8 byte order mark for Excel' },
  json: { type: 'boolean', default: false, describe: 'Print summary.json to stdout instead of the human summary' },
  'log-level': { type: 'string', choices: LOG_LEVELS, default: 'info', describe: 'Detail of run.log' },
} as const satisfies Record<string, Options>;

/** Where requests go, and the key: every command that talks to the API. */
export const targetOptions = {
  instance: { type: 'string', describe: 'Instance name: sends to https://<name>.thoughtindustries.com [env: TI_INSTANCE]' },
  'base-url': { type: 'string', describe: 'Origin of a custom domain or the local mock, with or without /incoming/v2 [env: TI_BASE_URL]' },
  'api-key-file': { type: 'string', describe: 'File holding the API key [default: the TI_API_KEY environment variable]' },
} as const satisfies Record<string, Options>;

/** How requests are paced and retried: every command that talks to the API. */
export const pacingOptions = {
  concurrency: { ...NUMBER, describe: `Requests in flight at once [default: ${DEFAULTS.concurrency}]` },
  rate: {
    ...NUMBER,
    describe: `Requests per minute: 120 on Standard plans, 600 on Enterprise; lowered to the API's X-RateLimit-Limit when that is lower; 0 follows the API's headers alone [default: ${DEFAULTS.rate}]`,
  },
  burst: { ...NUMBER, describe: `Requests that may start at once after an idle spell: 20 on Standard plans, 100 on Enterprise [default: ${DEFAULTS.burst}]` },
  retries: { ...NUMBER, describe: `Further attempts for a row after a network error, timeout, 408 or 5xx (a 429 pauses every request instead) [default: ${DEFAULTS.retries}]` },
  'retry-delay': { ...NUMBER, describe: `Ceiling in ms of the first backoff; it doubles each retry [default: ${DEFAULTS.retryDelayMs}]` },
  timeout: { ...NUMBER, describe: `Milliseconds to wait for each answer [default: ${DEFAULTS.timeoutMs}]` },
  'max-throttle-wait': { ...NUMBER, describe: `Seconds a row may be held back by 429 pauses, in all, before it fails [default: ${DEFAULTS.maxThrottleWaitS}]` },
  'circuit-breaker': {
    ...NUMBER,
    describe: `Stop the run (exit 3) when this many rows in a row fail after all their retries; 0 never stops [default: ${DEFAULTS.circuitBreaker}]`,
  },
} as const satisfies Record<string, Options>;

/** What `apply` does with the file, beyond sending it. */
export const applyOptions = {
  client: { type: 'string', array: true, describe: 'A client whose credit batches the file holds, for rows without a clientId column; repeat for several [default: the clientId column]' },
  blind: { type: 'boolean', default: false, describe: 'Send without reading the live values first: no check for rows changed since the file was prepared, no unchanged rows skipped, no undo.csv' },
  'max-staleness': { ...NUMBER, describe: `Seconds a client's live values may be old when a row of it is checked, just before its request; older, they are read again [default: ${DEFAULTS.maxStalenessS}]` },
  'max-balance-change': { ...NUMBER, describe: 'Guardrail: a row changing a balance by more credits than this, either way, is invalid [default: no limit]' },
  'max-total-change': { ...NUMBER, describe: 'Guardrail: a run whose balance changes add up to more credits than this (each counted either way) is refused before anything is sent [default: no limit]' },
  'max-rows': { ...NUMBER, describe: 'Guardrail: a run that would send more rows than this is refused before anything is sent [default: no limit]' },
  'max-expiry-move': { ...NUMBER, describe: 'Guardrail: a row moving an expiry date by more days than this, either way, is invalid [default: no limit]' },
  'skip-invalid': { type: 'boolean', default: false, describe: 'Send the valid rows even if some rows are invalid (those are reported, not sent)' },
  plan: { type: 'string', describe: 'Send the saved plan in this folder (made by ti-credits plan) exactly as it was made: its copy of the input, its baselines' },
  'max-plan-age': { type: 'string', describe: `With --plan: seconds a saved plan may be old when it is sent [default: ${DEFAULTS.maxPlanAgeS}, 24 h]` },
  'require-approved-plan': { type: 'boolean', default: false, describe: 'Refuse to send anything but a saved plan (--plan); for a config file, so that every change is approved first' },
  verify: { type: 'boolean', default: false, describe: 'Once sent, read back every row updated and check that the batch holds what was written (as `ti-credits verify` does)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Validate, check the key with one GET /ping, read the live values and show what would be sent; change nothing' },
  offline: { type: 'boolean', default: false, describe: 'With --dry-run: make no request at all, neither the key check nor the reading of the live values (the plan is then a blind one)' },
  resume: { type: 'string', describe: 'Continue the interrupted run in this folder, with the file and options its run.json records (a flag typed again overrides the pace): rows it updated are not sent again' },
} as const satisfies Record<string, Options>;

export const sendOptions = { ...targetOptions, ...pacingOptions, ...applyOptions } as const;

/** What `snapshot` reads. */
export const snapshotOptions = {
  client: { type: 'string', array: true, describe: 'A client whose credit batches to write; repeat for several (required)' },
  'credit-account': { type: 'string', describe: 'Only the batches of this credit account [default: every credit account of the clients]' },
  out: { type: 'string', describe: 'Folder for snapshot.csv, run.log and summary.json [default: reports/<UTC time>-snapshot/]' },
  json: { type: 'boolean', default: false, describe: 'Print summary.json to stdout instead of the human summary' },
  'log-level': { type: 'string', choices: LOG_LEVELS, default: 'info', describe: 'Detail of run.log' },
} as const satisfies Record<string, Options>;

/** How `apply` talks to the person running it. */
export const operatorOptions = {
  yes: { type: 'boolean', alias: 'y', default: false, describe: 'Send without asking to confirm the plan; needed where no one can answer (scripts, cron, CI)' },
  quiet: { type: 'boolean', alias: 'q', default: false, describe: 'No plan (unless asked to confirm it) and no progress: errors and the final summary only' },
  'progress-interval': { ...NUMBER, describe: `Off a terminal, seconds between progress lines on stderr [default: ${DEFAULTS.progressIntervalS}]` },
} as const satisfies Record<string, Options>;

export const configOption = {
  config: { type: 'string', describe: 'JSON file of options [default: ti-credits.config.json or .ti-creditsrc in the working folder, if there]' },
} as const satisfies Record<string, Options>;

export const mockOptions = {
  port: { ...NUMBER, describe: `Port to listen on; 0 picks a free one [default: ${DEFAULTS.mockPort}]` },
  host: { type: 'string', default: '127.0.0.1', describe: 'Loopback address to listen on' },
  seed: { type: 'string', describe: 'JSON file with the credit batches the mock starts with' },
  'auto-create': { type: 'boolean', default: false, describe: 'Create unknown credit batches on first update instead of answering 404' },
  'error-rate': { ...NUMBER, describe: 'Share of requests answered 500, 502, 503 or 504, e.g. 0.1 [default: 0]' },
  'error-retry-after': { ...NUMBER, describe: 'Seconds of Retry-After sent with those 5xx answers [default: none]' },
  'reset-rate': { ...NUMBER, describe: 'Share of requests whose connection is dropped [default: 0]' },
  'slow-rate': { ...NUMBER, describe: 'Share of requests answered --slow-ms late, e.g. beyond the client\'s --timeout [default: 0]' },
  'slow-ms': { ...NUMBER, describe: 'Milliseconds a slow answer takes [default: 60000]' },
  latency: { ...NUMBER, describe: 'Milliseconds added to every answer [default: 0]' },
  'random-seed': { ...NUMBER, describe: 'Seed for the random faults, to repeat a run exactly [default: 1]' },
  'rate-limit': { ...NUMBER, describe: 'Requests per minute each key may send, answering 429 beyond it as the API does; 0 for no limit [default: 0]' },
  burst: { ...NUMBER, describe: 'Requests a key may send at once before --rate-limit applies [default: 20]' },
  'per-page': { ...NUMBER, describe: `Credit batches (or clients) per page of a list answer [default: ${MOCK_PER_PAGE}]` },
  'redeem-rate': { ...NUMBER, describe: 'Credits learners redeem per minute, one at a time from random active batches, to try balances that move under a run [default: 0]' },
} as const satisfies Record<string, Options>;

/** Raw values as yargs hands them over. */
type Raw = Readonly<Record<string, unknown>>;
type Env = Readonly<Record<string, string | undefined>>;

export function resolveValidateOptions(argv: Raw, now: Date): RunOptions {
  return {
    command: 'validate',
    inputPath: inputFile(argv, 'Name the file to check: ti-credits validate <file.csv>.'),
    outDir: optionalString(argv, 'out'),
    logLevel: argv['log-level'] as LogLevel,
    skipInvalid: false,
    dryRun: false,
    offline: false,
    resume: undefined,
    read: resolveInputChoice(argv),
    rules: resolveRules(argv, now),
    extraColumns: stringList(argv, 'extra-column'),
    excel: argv.excel === true,
    send: undefined,
    guard: undefined,
    limits: {},
  };
}

export interface OperatorOptions {
  readonly yes: boolean;
  readonly quiet: boolean;
  readonly progressIntervalMs: number;
  /**
   * Colour only on a terminal, by Node's own rules for it: NO_COLOR
   * (https://no-color.org), NODE_DISABLE_COLORS, TERM=dumb and CI without a
   * known CI vendor turn it off, FORCE_COLOR turns it on.
   */
  readonly color: boolean;
}

export function resolveOperatorOptions(argv: Raw, env: Env, terminal: Terminal | undefined): OperatorOptions {
  return {
    yes: argv.yes === true,
    quiet: argv.quiet === true,
    progressIntervalMs: integer('apply', argv, 'progress-interval', DEFAULTS.progressIntervalS, 1, 86_400) * 1000,
    color: terminal?.output.hasColors(env) ?? false,
  };
}

/** Where the instance and the key file come from when neither a flag nor the environment says: a config file. */
export interface TargetDefaults {
  readonly instance?: string | undefined;
  readonly 'base-url'?: string | undefined;
  readonly 'api-key-file'?: string | undefined;
  /** The config file they come from, for messages. */
  readonly source?: string | undefined;
}

/** What `apply` needs besides the flags: where it runs, which flags were typed, and a config file's target. */
export interface ApplyContext {
  readonly cwd: string;
  /** The options typed on the command line (see `typedOptions`): those a resumed run takes as given rather than from its run.json. */
  readonly typed: ReadonlySet<string>;
  readonly fromConfig?: TargetDefaults | undefined;
}

/**
 * Where to send, with which key, at which pace: checked once, for every
 * command that talks to the API; and the file the key was read from, if any.
 */
async function resolveSendOptions(command: 'apply' | 'snapshot' | 'verify', argv: Raw, env: Env, fromConfig: TargetDefaults, cwd: string): Promise<{ send: SendOptions; keyFile: string | undefined }> {
  const origin = resolveOrigin(argv, env, fromConfig);
  const key = await resolveApiKey(argv, env, fromConfig, cwd);
  const send: SendOptions = {
    target: { origin, apiKey: key.apiKey },
    concurrency: integer(command, argv, 'concurrency', DEFAULTS.concurrency, 1, 64),
    ratePerMinute: integer(command, argv, 'rate', DEFAULTS.rate, 0, 1_000_000),
    burst: integer(command, argv, 'burst', DEFAULTS.burst, 1, 1_000_000),
    learnBurst: argv.burst === undefined,
    timeoutMs: integer(command, argv, 'timeout', DEFAULTS.timeoutMs, 100, 600_000),
    maxThrottleWaitMs: integer(command, argv, 'max-throttle-wait', DEFAULTS.maxThrottleWaitS, 1, 86_400) * 1000,
    circuitBreaker: integer(command, argv, 'circuit-breaker', DEFAULTS.circuitBreaker, 0, 1_000_000),
    retry: {
      retries: integer('apply', argv, 'retries', DEFAULTS.retries, 0, 20),
      baseDelayMs: integer('apply', argv, 'retry-delay', DEFAULTS.retryDelayMs, 0, MAX_RETRY_DELAY_MS),
      maxDelayMs: MAX_RETRY_DELAY_MS,
      maxRetryAfterMs: MAX_RETRY_AFTER_MS,
    },
  };
  return { send, keyFile: key.file };
}

export async function resolveApplyOptions(flags: Raw, env: Env, now: Date, context: ApplyContext): Promise<RunOptions> {
  const resume = optionalString(flags, 'resume');
  const planFolder = optionalString(flags, 'plan');
  if (planFolder !== undefined) {
    const clash = flags.csv !== undefined ? 'a file' : resume !== undefined ? '--resume' : flags['dry-run'] === true ? '--dry-run' : undefined;
    if (clash !== undefined) throw new TiError('invalid', `--plan cannot be combined with ${clash}: a saved plan is sent as it was made, from the copy of the input it holds.`, { hint: 'Give --plan the plan folder alone, with the target and --yes as needed.' });
  } else if (flags['require-approved-plan'] === true && flags['dry-run'] !== true) {
    throw new TiError('invalid', 'Nothing was sent: --require-approved-plan allows only a saved plan to be sent.', {
      hint: 'Make a plan with ti-credits plan <file>, have it approved, then send it with ti-credits apply --plan <plan folder>.',
    });
  }
  const saved = planFolder === undefined ? undefined : await readPlanDocument(resolve(context.cwd, planFolder));
  // A resumed run is the run it continues: its run.json stands for every option not typed again,
  // above the environment and a config file, so that `apply --resume <folder>` needs nothing else. A saved
  // plan stands likewise for the options it was made with.
  const record = resume === undefined ? undefined : await readRunRecord(resolve(context.cwd, resume));
  const argv =
    saved !== undefined && planFolder !== undefined
      ? { ...flags, csv: join(resolve(context.cwd, planFolder), saved.input.copy), ...recordedArgv(saved.options, context.typed) }
      : record === undefined
        ? flags
        : { ...flags, csv: flags.csv ?? record.input.path, ...recordedArgv(record.options, context.typed) };
  const inputPath = inputFile(argv, 'Name the file to send: ti-credits apply <file.csv> --instance <name>; or continue an interrupted run with ti-credits apply --resume <run folder>.');
  const { send, keyFile } = await resolveSendOptions('apply', argv, env, context.fromConfig ?? {}, context.cwd);
  const dryRun = argv['dry-run'] === true;
  const offline = argv.offline === true;
  if (offline && !dryRun) throw new TiError('invalid', '--offline applies to --dry-run only.', { hint: 'A run that sends needs the API; add --dry-run to check the file without it.' });
  if (resume !== undefined && (dryRun || optionalString(argv, 'out') !== undefined)) {
    throw new TiError('invalid', `--resume cannot be combined with ${dryRun ? '--dry-run' : '--out'}.`, { hint: 'A resumed run sends, and goes on writing in the folder it continues.' });
  }
  const clients = clientIds(argv, 'client');
  const blind = argv.blind === true;
  if (blind && clients.length > 0) {
    throw new TiError('invalid', '--blind cannot be combined with --client: a blind run reads no client.', { hint: 'Leave out --blind to read the live values of those clients before writing, or --client to send blind.' });
  }
  const optionalLimit = (name: string, max: number): number | undefined => (argv[name] === undefined ? undefined : integer('apply', argv, name, 0, 0, max));
  const limits = {
    maxBalanceChange: optionalLimit('max-balance-change', Number.MAX_SAFE_INTEGER),
    maxTotalChange: optionalLimit('max-total-change', Number.MAX_SAFE_INTEGER),
    maxRows: optionalLimit('max-rows', Number.MAX_SAFE_INTEGER),
    maxExpiryMoveDays: optionalLimit('max-expiry-move', 100_000),
  };
  const needsLive = (['max-balance-change', 'max-total-change', 'max-expiry-move'] as const).find((name) => argv[name] !== undefined);
  if (blind && needsLive !== undefined) {
    throw new TiError('invalid', `--${needsLive} measures changes against the live values, which --blind does not read.`, { hint: `Leave out --blind, or leave out --${needsLive} (a config file may set it: see --config).` });
  }
  if (offline && clients.length > 0) {
    throw new TiError('invalid', '--offline cannot be combined with --client: an offline dry run reads no client.', { hint: 'Leave out --offline to check the plan against the live values of those clients.' });
  }
  return {
    command: 'apply',
    inputPath,
    outDir: optionalString(argv, 'out'),
    logLevel: argv['log-level'] as LogLevel,
    skipInvalid: argv['skip-invalid'] === true,
    dryRun,
    offline,
    resume,
    read: resolveInputChoice(argv),
    rules: resolveRules(argv, now),
    extraColumns: stringList(argv, 'extra-column'),
    excel: argv.excel === true,
    send,
    // Offline, a dry run reads nothing, the live values included: its plan is a blind one.
    guard: blind || offline ? undefined : { clients, maxStalenessMs: integer('apply', argv, 'max-staleness', DEFAULTS.maxStalenessS, 0, 86_400) * 1000 },
    apiKeyFile: keyFile,
    limits,
    ...(saved === undefined || planFolder === undefined
      ? {}
      : { fromPlan: { folder: resolve(context.cwd, planFolder), document: saved, maxAgeMs: integer('apply', argv, 'max-plan-age', DEFAULTS.maxPlanAgeS, 0, 31_536_000) * 1000 } }),
  };
}

/** `plan`: apply's options for a dry run whose folder becomes a saved plan, made against the live values. */
export async function resolvePlanOptions(flags: Raw, env: Env, now: Date, context: ApplyContext): Promise<RunOptions> {
  const refused = (['blind', 'offline', 'resume', 'plan'] as const).find((name) => flags[name] !== undefined && flags[name] !== false);
  if (refused !== undefined) throw new TiError('invalid', `plan cannot take --${refused}: a plan is made against the live values, for a new run.`, { hint: 'Leave it out.' });
  const options = await resolveApplyOptions({ ...flags, 'dry-run': true, 'require-approved-plan': false }, env, now, context);
  return { ...options, savePlan: true };
}

export interface SnapshotCommandOptions {
  readonly clients: readonly string[];
  readonly creditAccountId: string | undefined;
  readonly outDir: string | undefined;
  readonly logLevel: LogLevel;
  readonly send: SendOptions;
  readonly apiKeyFile: string | undefined;
}

export async function resolveSnapshotOptions(argv: Raw, env: Env, cwd: string, fromConfig: TargetDefaults = {}): Promise<SnapshotCommandOptions> {
  const clients = clientIds(argv, 'client');
  if (clients.length === 0) throw new TiError('invalid', 'snapshot needs at least one --client.', { hint: 'Pass --client <id> for each client whose credit batches to write.' });
  const account = optionalString(argv, 'credit-account');
  if (account !== undefined && !UUID.test(account)) throw new TiError('invalid', `--credit-account "${account}" is not a credit account id.`, { hint: 'Give the UUID of the credit account.' });
  const { send, keyFile } = await resolveSendOptions('snapshot', argv, env, fromConfig, cwd);
  return { clients, creditAccountId: account, outDir: optionalString(argv, 'out'), logLevel: argv['log-level'] as LogLevel, send, apiKeyFile: keyFile };
}

/** What `verify` reads. */
export const verifyOptions = {
  client: { type: 'string', array: true, describe: 'A client whose credit batches the run updated, for a run whose rows do not say theirs (a blind run without a clientId column)' },
  json: { type: 'boolean', default: false, describe: 'Print verify.json to stdout instead of the human summary' },
  'log-level': { type: 'string', choices: LOG_LEVELS, default: 'info', describe: 'Detail of the lines added to run.log' },
} as const satisfies Record<string, Options>;

/** The run folder `verify` is given. */
export function requiredFolder(argv: Raw): string {
  return requiredString(argv, 'folder');
}

export interface VerifyCommandOptions {
  readonly folder: string;
  readonly clients: readonly string[];
  readonly logLevel: LogLevel;
  readonly send: SendOptions;
  readonly apiKeyFile: string | undefined;
}

/**
 * `verify`'s options. The target defaults to the one the run sent to (its
 * run.json): verifying elsewhere is refused, so naming it is only a check.
 */
export async function resolveVerifyOptions(argv: Raw, env: Env, cwd: string, recordedTarget: string | null, fromConfig: TargetDefaults = {}): Promise<VerifyCommandOptions> {
  const named = optionalString(argv, 'base-url') ?? optionalString(argv, 'instance') ?? nonEmpty(env.TI_BASE_URL) ?? nonEmpty(env.TI_INSTANCE) ?? fromConfig['base-url'] ?? fromConfig.instance;
  const defaults: TargetDefaults = named === undefined && recordedTarget !== null ? { ...fromConfig, 'base-url': recordedTarget } : fromConfig;
  const { send, keyFile } = await resolveSendOptions('verify', argv, env, defaults, cwd);
  return { folder: resolve(cwd, requiredString(argv, 'folder')), clients: clientIds(argv, 'client'), logLevel: argv['log-level'] as LogLevel, send, apiKeyFile: keyFile };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids a repeatable option names, each a UUID, each once. */
function clientIds(argv: Raw, name: string): string[] {
  const raw = argv[name];
  const values = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((value) => String(value).trim());
  const wrong = values.find((value) => !UUID.test(value));
  if (wrong !== undefined) throw new TiError('invalid', `--${name} "${wrong}" is not a client id.`, { hint: 'Give the UUID of the client, e.g. 92276658-1e27-41c0-8a6a-63ec24ede6a4.' });
  return [...new Set(values.map((value) => value.toLowerCase()))];
}

/**
 * Every setting run.json records that a flag sets, with the flag and its
 * value as typed: how a resumed run takes its options back, and how a
 * printed command says them again. `default` is the value that needs no flag.
 */
const RECORDED_FLAGS: readonly { readonly flag: string; readonly key: keyof RecordedOptions; readonly typed: (options: RecordedOptions) => Typed; readonly default?: string }[] = [
  { flag: 'base-url', key: 'target', typed: (options) => options.target },
  { flag: 'api-key-file', key: 'apiKeyFile', typed: (options) => options.apiKeyFile ?? undefined },
  { flag: 'concurrency', key: 'concurrency', typed: (options) => digits(options.concurrency), default: String(DEFAULTS.concurrency) },
  { flag: 'rate', key: 'ratePerMinute', typed: (options) => digits(options.ratePerMinute), default: String(DEFAULTS.rate) },
  { flag: 'burst', key: 'burst', typed: (options) => digits(options.burst), default: String(DEFAULTS.burst) },
  { flag: 'timeout', key: 'timeoutMs', typed: (options) => digits(options.timeoutMs), default: String(DEFAULTS.timeoutMs) },
  { flag: 'retries', key: 'retries', typed: (options) => digits(options.retries), default: String(DEFAULTS.retries) },
  { flag: 'retry-delay', key: 'retryDelayMs', typed: (options) => digits(options.retryDelayMs), default: String(DEFAULTS.retryDelayMs) },
  {
    flag: 'max-throttle-wait',
    key: 'maxThrottleWaitMs',
    typed: (options) => digits(options.maxThrottleWaitMs === undefined ? undefined : options.maxThrottleWaitMs / 1000),
    default: String(DEFAULTS.maxThrottleWaitS),
  },
  { flag: 'circuit-breaker', key: 'circuitBreaker', typed: (options) => digits(options.circuitBreaker), default: String(DEFAULTS.circuitBreaker) },
  { flag: 'skip-invalid', key: 'skipInvalid', typed: (options) => options.skipInvalid },
  // A run.json written before apply read before it wrote has no `blind`: such a run was blind.
  { flag: 'blind', key: 'blind', typed: (options) => options.blind ?? true },
  { flag: 'client', key: 'clients', typed: (options) => options.clients },
  {
    flag: 'max-staleness',
    key: 'maxStalenessMs',
    typed: (options) => digits(options.maxStalenessMs === null || options.maxStalenessMs === undefined ? undefined : options.maxStalenessMs / 1000),
    default: String(DEFAULTS.maxStalenessS),
  },
  { flag: 'max-balance-change', key: 'limits', typed: (options) => digits(options.limits?.maxBalanceChange ?? undefined) },
  { flag: 'max-total-change', key: 'limits', typed: (options) => digits(options.limits?.maxTotalChange ?? undefined) },
  { flag: 'max-rows', key: 'limits', typed: (options) => digits(options.limits?.maxRows ?? undefined) },
  { flag: 'max-expiry-move', key: 'limits', typed: (options) => digits(options.limits?.maxExpiryMoveDays ?? undefined) },
  { flag: 'encoding', key: 'encoding', typed: (options) => options.encoding ?? undefined },
  { flag: 'delimiter', key: 'delimiter', typed: (options) => options.delimiter ?? undefined },
  { flag: 'sheet', key: 'sheet', typed: (options) => options.sheet ?? undefined },
  { flag: 'date-only', key: 'dateOnly', typed: (options) => options.dateOnly, default: 'end-of-day' },
  { flag: 'timezone', key: 'timezone', typed: (options) => options.timezone, default: 'UTC' },
  { flag: 'date-format', key: 'dateFormat', typed: (options) => options.dateFormat ?? undefined },
  { flag: 'thousands-separator', key: 'thousandsSeparator', typed: (options) => options.thousandsSeparator ?? undefined },
  { flag: 'allow-past-expiry', key: 'allowPastExpiry', typed: (options) => options.allowPastExpiry },
  { flag: 'extra-column', key: 'extraColumns', typed: (options) => (Array.isArray(options.extraColumns) ? options.extraColumns : undefined) },
  { flag: 'excel', key: 'excel', typed: (options) => options.excel },
  { flag: 'log-level', key: 'logLevel', typed: (options) => options.logLevel, default: 'info' },
];

/** A value as yargs would hand it over: text, a switch, or a repeated option's list. */
type Typed = string | boolean | readonly string[] | undefined;

const digits = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(value));

/** The flag that sets a recorded setting, for messages. */
export function flagOf(key: keyof RecordedOptions): string {
  return `--${RECORDED_FLAGS.find((entry) => entry.key === key)?.flag ?? key}`;
}

/** The recorded settings as flags, for those not typed; the target counts as typed when either --instance or --base-url was. */
function recordedArgv(options: RecordedOptions, typed: ReadonlySet<string>): Raw {
  const targetTyped = typed.has('instance') || typed.has('base-url');
  const argv: Record<string, Typed> = {};
  for (const { flag, typed: value } of RECORDED_FLAGS) {
    if (typed.has(flag) || (flag === 'base-url' && targetTyped)) continue;
    const given = value(options);
    if (given !== undefined) argv[flag] = given;
  }
  return argv;
}

/**
 * The flags that make a new run take the options this one was started with,
 * leaving out those at their default and those in `omit`: what a printed
 * command carries so that, pasted, it does what the run did.
 */
export function recordedFlags(options: RecordedOptions, omit: readonly string[]): string[] {
  const words: string[] = [];
  for (const { flag, typed, default: fallback } of RECORDED_FLAGS) {
    if (omit.includes(flag)) continue;
    const value = typed(options);
    if (value === undefined || value === false || value === fallback) continue;
    if (value === true) words.push(`--${flag}`);
    else for (const item of typeof value === 'string' ? [value] : value) words.push(`--${flag} ${shellWord(FLAG_WORDS[item] ?? item)}`);
  }
  return words;
}

/** Values a flag names in words, since a tab or a space would not survive a shell. */
const FLAG_WORDS: Readonly<Record<string, string>> = { '\t': 'tab', ' ': 'space' };

/** `text` as one word of a POSIX shell: as it is when that is safe, else in single quotes. */
export function shellWord(text: string): string {
  return /^[\w./:,+@%=-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * The long options typed in `args` (`--rate`, `--rate=5`, `--no-excel`,
 * `--dateFormat`), by their kebab-case names. Only long options are recorded
 * in run.json, so the short ones (-y, -q) need not be known here.
 */
export function typedOptions(args: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = (arg.slice(2).split('=')[0] ?? '').replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    names.add(name.startsWith('no-') ? name.slice(3) : name);
  }
  return names;
}

const DELIMITER_NAMES: Readonly<Record<string, Delimiter>> = { ',': ',', comma: ',', ';': ';', semicolon: ';', '\t': '\t', tab: '\t', '\\t': '\t' };
const SEPARATOR_NAMES: Readonly<Record<string, string>> = { ',': ',', '.': '.', "'": "'", ' ': ' ', space: ' ' };

function resolveInputChoice(argv: Raw): InputChoice {
  const label = optionalString(argv, 'encoding');
  const encoding = label === undefined ? undefined : encodingName(label);
  if (label !== undefined && encoding === undefined) {
    throw new TiError('invalid', `--encoding "${label}" is not an encoding ti-credits knows.`, { hint: 'Use a standard name such as utf-8, windows-1252, latin1, iso-8859-15 or utf-16le.' });
  }
  // Not trimmed: a tab is whitespace.
  const delimiterText = argv.delimiter === undefined ? undefined : String(argv.delimiter);
  const delimiter = delimiterText === undefined ? undefined : DELIMITER_NAMES[delimiterText.toLowerCase()];
  if (delimiterText !== undefined && delimiter === undefined) {
    throw new TiError('invalid', `--delimiter "${delimiterText}" is not one ti-credits reads.`, { hint: 'Use comma, semicolon or tab.' });
  }
  if (Array.isArray(argv.sheet)) throw new TiError('invalid', '--sheet was given more than once.', { hint: 'Give --sheet once: the changes are read from one sheet.' });
  // Not trimmed either: a sheet's name is matched as its tab shows it, spaces included.
  const sheet = argv.sheet === undefined || argv.sheet === null ? undefined : String(argv.sheet);
  if (sheet === '') throw new TiError('invalid', '--sheet was given no name.', { hint: 'Give the name of the sheet as its tab shows it, in quotes if it has spaces.' });
  return { encoding, delimiter, sheet };
}

function resolveRules(argv: Raw, now: Date): FieldRules {
  const timezone = optionalString(argv, 'timezone') ?? 'UTC';
  if (!IANAZone.isValidZone(timezone)) {
    throw new TiError('invalid', `--timezone "${timezone}" is not a time zone.`, { hint: 'Use an IANA time zone name such as UTC, Europe/Paris or America/New_York.' });
  }
  const formatText = optionalString(argv, 'date-format');
  const dateFormat = formatText === undefined ? undefined : parseDateFormat(formatText);
  if (formatText !== undefined && dateFormat === undefined) {
    throw new TiError('invalid', `--date-format "${formatText}" is not a format ti-credits reads.`, {
      hint: 'Write DD, MM and YYYY once each, separated by /, . or -, e.g. MM/DD/YYYY, DD/MM/YYYY, DD.MM.YYYY or YYYY/MM/DD.',
    });
  }
  const separatorText = argv['thousands-separator'] === undefined ? undefined : String(argv['thousands-separator']);
  const thousandsSeparator = separatorText === undefined ? undefined : SEPARATOR_NAMES[separatorText.toLowerCase()];
  if (separatorText !== undefined && thousandsSeparator === undefined) {
    throw new TiError('invalid', `--thousands-separator "${separatorText}" is not one ti-credits reads.`, { hint: 'Use ",", ".", "\'" or space.' });
  }
  return {
    ...defaultRules(now),
    dateOnly: (argv['date-only'] as DateOnlyMeaning | undefined) ?? 'end-of-day',
    timezone,
    dateFormat,
    thousandsSeparator,
    allowPastExpiry: argv['allow-past-expiry'] === true,
  };
}

export interface MockCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly seedPath: string | undefined;
  readonly autoCreate: boolean;
  readonly faults: FaultOptions;
  readonly rateLimit: RateLimitOptions | undefined;
  /** Undefined when not given, so that the startup lines mention only what was asked for. */
  readonly perPage: number | undefined;
  /** 0: no redemptions. */
  readonly redeemPerMinute: number;
}

export function resolveMockOptions(argv: Raw): MockCommandOptions {
  const host = requiredString(argv, 'host');
  if (!isLoopback(host)) {
    throw new TiError('invalid', `--host ${host} is not a loopback address; the mock accepts a published test key and must not be reachable from the network.`, { hint: 'Use 127.0.0.1, ::1 or localhost.' });
  }
  const perMinute = integer('mock', argv, 'rate-limit', 0, 0, 1_000_000);
  const burst = integer('mock', argv, 'burst', DEFAULTS.burst, 1, 1_000_000);
  return {
    host,
    port: integer('mock', argv, 'port', DEFAULTS.mockPort, 0, 65_535),
    rateLimit: perMinute === 0 ? undefined : { perMinute, burst },
    seedPath: optionalString(argv, 'seed'),
    autoCreate: argv['auto-create'] === true,
    perPage: argv['per-page'] === undefined ? undefined : integer('mock', argv, 'per-page', MOCK_PER_PAGE, 1, 100_000),
    redeemPerMinute: integer('mock', argv, 'redeem-rate', 0, 0, 1_000_000),
    faults: {
      errorRate: share(argv, 'error-rate'),
      ...(argv['error-retry-after'] === undefined ? {} : { errorRetryAfterSeconds: integer('mock', argv, 'error-retry-after', 0, 0, 86_400) }),
      resetRate: share(argv, 'reset-rate'),
      slowRate: share(argv, 'slow-rate'),
      slowMs: integer('mock', argv, 'slow-ms', 60_000, 0, 600_000),
      latencyMs: integer('mock', argv, 'latency', 0, 0, 600_000),
      randomSeed: integer('mock', argv, 'random-seed', 1, 0, 2 ** 32 - 1),
    },
  };
}

/** Refuses a key given on the command line before yargs can echo it in an "unknown argument" message. */
export function refuseKeyFlag(args: readonly string[]): void {
  if (args.some((arg) => /^--api-?key(=|$)/i.test(arg))) {
    throw new TiError('invalid', 'ti-credits does not take the API key as a command-line flag, where shell history and the process list would keep it.', {
      hint: 'Set the TI_API_KEY environment variable, or put the key in a file and pass --api-key-file <path>.',
    });
  }
}

function resolveOrigin(argv: Raw, env: Env, fromConfig: TargetDefaults): string {
  const baseFlag = optionalString(argv, 'base-url');
  const instanceFlag = optionalString(argv, 'instance');
  if (baseFlag !== undefined && instanceFlag !== undefined) {
    throw new TiError('invalid', 'Both --instance and --base-url were given.', { hint: 'Pass --instance for https://<name>.thoughtindustries.com, or --base-url for any other address, not both.' });
  }
  if (baseFlag !== undefined) return parseBaseUrl(baseFlag, '--base-url');
  if (instanceFlag !== undefined) return instanceOrigin(instanceFlag, '--instance');
  const baseEnv = nonEmpty(env.TI_BASE_URL);
  const instanceEnv = nonEmpty(env.TI_INSTANCE);
  if (baseEnv !== undefined && instanceEnv !== undefined) {
    throw new TiError('invalid', 'Both TI_INSTANCE and TI_BASE_URL are set.', { hint: 'Unset one of them, or pass --instance or --base-url to choose.' });
  }
  if (baseEnv !== undefined) return parseBaseUrl(baseEnv, 'TI_BASE_URL');
  if (instanceEnv !== undefined) return instanceOrigin(instanceEnv, 'TI_INSTANCE');
  const baseConfig = fromConfig['base-url'];
  const instanceConfig = fromConfig.instance;
  if (baseConfig !== undefined && instanceConfig !== undefined) {
    throw new TiError('invalid', `${fromConfig.source ?? 'The config file'} sets both instance and base-url.`, { hint: 'Keep one of them.' });
  }
  if (baseConfig !== undefined) return parseBaseUrl(baseConfig, `base-url in ${fromConfig.source ?? 'the config file'}`);
  if (instanceConfig !== undefined) return instanceOrigin(instanceConfig, `instance in ${fromConfig.source ?? 'the config file'}`);
  throw new TiError('invalid', 'No Thought Industries instance was given.', {
    hint: 'Pass --instance <name> for https://<name>.thoughtindustries.com, or --base-url <address> for a custom domain (or set TI_INSTANCE / TI_BASE_URL).',
  });
}

/**
 * Said instead of the value of --instance, --base-url or --api-key-file when
 * it is refused: a key pasted there by mistake must not be echoed into a
 * terminal's scrollback, a CI log or a cron mail.
 */
const NOT_ECHOED = 'the value is not repeated here, in case it is a key pasted by mistake';

function instanceOrigin(name: string, source: string): string {
  if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(name)) return `https://${name.toLowerCase()}.thoughtindustries.com`;
  throw new TiError('invalid', `${source} is not an instance name.`, {
    hint: `Give only the name, e.g. acme for https://acme.thoughtindustries.com; for any other address use --base-url (${NOT_ECHOED}).`,
  });
}

/** Accepts an origin, optionally followed by /incoming/v2; plain http only to this machine. */
export function parseBaseUrl(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TiError('invalid', `${source} is not a web address.`, { hint: `Write it in full, e.g. https://learn.example.com (${NOT_ECHOED}).` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TiError('invalid', `${source} must start with https://.`, { hint: `Write it in full, e.g. https://learn.example.com (${NOT_ECHOED}).` });
  }
  if (url.username !== '' || url.password !== '') {
    throw new TiError('invalid', `${source} must not contain a user name or password.`, { hint: 'The API key is the only credential; set it with TI_API_KEY.' });
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (url.search !== '' || url.hash !== '' || (path !== '' && path !== API_PATH)) {
    throw new TiError('invalid', `${source} must be the instance's address alone, with no query (?…), fragment (#…) or other path.`, {
      hint: `e.g. https://learn.example.com, optionally followed by ${API_PATH}; the key is read from TI_API_KEY or --api-key-file, never from the address (${NOT_ECHOED}).`,
    });
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new TiError('invalid', `${source} uses plain http://, which would send the API key across the network unencrypted.`, {
      hint: 'Use https://; plain http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), e.g. the local mock.',
    });
  }
  return url.origin;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The key, and the file it was read from, if any: recorded (never the key) so that a resumed run reads it there again. */
async function resolveApiKey(argv: Raw, env: Env, fromConfig: TargetDefaults, cwd: string): Promise<{ apiKey: string; file: string | undefined }> {
  const flagFile = optionalString(argv, 'api-key-file');
  // The environment's key beats a key file named only by a config file, as any environment setting beats the file.
  const named = flagFile ?? (env.TI_API_KEY === undefined ? fromConfig['api-key-file'] : undefined);
  const file = named === undefined ? undefined : resolve(cwd, named);
  let key: string;
  let source: string;
  if (file !== undefined) {
    source = flagFile === undefined ? `The key file named by apiKeyFile in ${fromConfig.source ?? 'the config file'}` : 'The file given to --api-key-file';
    try {
      key = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new TiError('invalid', `${source} cannot be read (${code}).`, { hint: `Check the path: it names a file holding the key, not the key itself (${NOT_ECHOED}).` });
    }
  } else if (env.TI_API_KEY !== undefined) {
    source = 'TI_API_KEY';
    key = env.TI_API_KEY;
  } else {
    throw new TiError('invalid', 'No API key was given.', {
      hint: 'Set the TI_API_KEY environment variable, or pass --api-key-file <path> (there is no flag for the key itself, to keep it out of shell history).',
    });
  }
  key = key.trim();
  if (key === '') throw new TiError('invalid', `${source} is empty.`, { hint: 'Put the API key from Thought Industries there.' });
  if (/^bearer\s/i.test(key)) throw new TiError('invalid', `${source} starts with "Bearer".`, { hint: 'Give the key alone; ti-credits adds "Bearer" itself.' });
  if (/[^\x21-\x7e]/.test(key)) throw new TiError('invalid', `${source} contains spaces or characters an API key cannot have.`, { hint: 'Copy the key again from Thought Industries.' });
  if (key.length < MIN_KEY_LENGTH) {
    throw new TiError('invalid', `${source} holds ${key.length} characters, too few for an API key (ti-credits takes keys of ${MIN_KEY_LENGTH} characters or more; Thought Industries keys are longer).`, {
      hint: 'Copy the whole key from Thought Industries (Settings › Security).',
    });
  }
  return { apiKey: key, file };
}

function integer(command: 'apply' | 'snapshot' | 'verify' | 'mock', argv: Raw, name: string, fallback: number, min: number, max: number): number {
  const raw = argv[name];
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TiError('invalid', `--${name} must be a whole number from ${min} to ${max}, not "${text}".`, { hint: `Run ti-credits ${command} --help for what --${name} means.` });
  }
  return value;
}

function share(argv: Raw, name: string): number {
  const raw = argv[name];
  if (raw === undefined) return 0;
  const text = String(raw).trim();
  const value = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) throw new TiError('invalid', `--${name} must be a share between 0 and 1, e.g. 0.05, not "${text}".`, { hint: `Run ti-credits mock --help for what --${name} means.` });
  return value;
}

/** The CSV file named after the command; yargs takes it as optional, so that its absence is said in plain words. */
function inputFile(argv: Raw, hint: string): string {
  const path = optionalString(argv, 'csv');
  if (path === undefined) throw new TiError('invalid', 'No CSV file was given.', { hint });
  return path;
}

function requiredString(argv: Raw, name: string): string {
  const value = optionalString(argv, name);
  if (value === undefined) throw new TiError('invalid', `${name} is missing.`, { hint: 'Run ti-credits --help.' });
  return value;
}

function optionalString(argv: Raw, name: string): string | undefined {
  const value = argv[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw new TiError('invalid', `--${name} was given more than once.`, { hint: `Give --${name} once.` });
  return nonEmpty(String(value));
}

/** A repeatable option's values: none, one, or one per time it was given. */
function stringList(argv: Raw, name: string): string[] {
  const value = argv[name];
  const values = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return values.map((item) => nonEmpty(String(item))).filter((item): item is string => item !== undefined);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
