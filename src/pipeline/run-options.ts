import type { InputChoice } from '../read/data-rows.js';
import type { ApprovalKey } from '../report/ledger/approval.js';
import type { LogLevel } from '../report/log.js';
import type { RecordedOptions, SendingSettings } from '../report/run-record.js';
import { keyKind } from '../send/api-target.js';
import type { SendOptions } from '../send/options.js';
import type { FieldRules } from '../validate/rules.js';
import { commandOf, isDryRun, type RunMode } from './mode.js';

/**
 * Everything one run over a file needs to know besides its mode (mode.ts),
 * resolved and checked once by the command line.
 */
export interface RunOptions {
  readonly inputPath: string;
  /** The run folder; undefined picks `reports/<UTC time>-<input name>/`. */
  readonly outDir: string | undefined;
  readonly logLevel: LogLevel;
  /** Send the valid rows even though some rows are invalid. */
  readonly skipInvalid: boolean;
  /** The encoding and delimiter of a CSV file, or the sheet of a workbook, that the user named; the rest is read from the file. */
  readonly read: InputChoice;
  /** How to read dates and numbers that could mean more than one thing. */
  readonly rules: FieldRules;
  /** Columns carried to the report as notes though their names resemble a field's (--extra-column). */
  readonly extraColumns: readonly string[];
  /** For Excel: report.csv and failed.csv with a UTF-8 byte order mark, and report.xlsx and failed.xlsx, typed. */
  readonly excel: boolean;
  /** Where and how requests go; undefined for `validate`. A dry run uses it only to read. */
  readonly send: SendOptions | undefined;
  /** How the live values are read before writing; undefined when they are not (validate, --blind, --offline). */
  readonly guard: GuardOptions | undefined;
  /** The guardrails: how much one run may change; each undefined when not set. */
  readonly limits: Limits;
  /** The file the key was read from (absolute), if it was; undefined when it came from the environment. */
  readonly apiKeyFile?: string | undefined;
  /** Where the key came from (environment, keyring, command, file), never the key: recorded for whoever audits the run. */
  readonly keySource?: 'environment' | 'keyring' | 'command' | 'file' | undefined;
  /** The config file's profile the run uses, if any. */
  readonly profile?: string | undefined;
  /** The run ledger: where it is, and what it is told; undefined: none kept, run folders under reports/. */
  readonly ledger?: LedgerOptions | undefined;
}

/** How a run meets the run ledger, as the command line settles it. */
export interface LedgerOptions {
  /** The reports root: the folder of the run folders (when --out is not given), and of the ledger. */
  readonly root: string;
  /** `--again`: apply a file or a plan already applied, for this reason (recorded). */
  readonly again: string | undefined;
  /** `--self-approved`: the person applying a plan may be its approver, for this reason (recorded). */
  readonly selfApproved: string | undefined;
  /** `--require-approved-plan`: send only a saved plan approved by another OS user. */
  readonly requireApproval: boolean;
  /** The team's approval key, when it sets one: approvals are then signed, and checked. */
  readonly approvalKey: ApprovalKey | undefined;
}

/**
 * What a run may change at most. A row over a per-row limit is invalid, with
 * its reason; a run over a run-wide limit is refused before anything is sent.
 */
export interface Limits {
  /** Largest change of one row's balance, in credits, either way. */
  readonly maxBalanceChange?: number | undefined;
  /** Largest sum of the balance changes of a run, each counted either way. */
  readonly maxTotalChange?: number | undefined;
  /** Most rows a run may send. */
  readonly maxRows?: number | undefined;
  /** Furthest one row may move an expiry date, in days, either way. */
  readonly maxExpiryMoveDays?: number | undefined;
}

export interface GuardOptions {
  /** The clients whose batches the file holds (--client), for rows that do not name theirs. */
  readonly clients: readonly string[];
  /** Oldest a client's live values may be when a row of it is checked, just before its request. */
  readonly maxStalenessMs: number;
  /** Once sent, read the credit ledger for what the writes overwrote between their read and their PUT (--no-reconcile: not). */
  readonly reconcile: boolean;
  /** Read the client list too, for the clients' names beside their ids (--client-names). */
  readonly clientNames?: boolean;
}

/** The options as recorded in run.json, the log and summary.json: everything but the key. */
export function describeOptions(mode: RunMode, options: RunOptions): RecordedOptions {
  const { send, rules } = options;
  return {
    skipInvalid: options.skipInvalid,
    dryRun: isDryRun(mode),
    out: options.outDir ?? null,
    logLevel: options.logLevel,
    excel: options.excel,
    encoding: options.read.encoding ?? null,
    delimiter: options.read.delimiter ?? null,
    sheet: options.read.sheet ?? null,
    dateOnly: rules.dateOnly,
    timezone: rules.timezone,
    dateFormat: rules.dateFormat?.text ?? null,
    thousandsSeparator: rules.thousandsSeparator ?? null,
    allowPastExpiry: rules.allowPastExpiry,
    ...(commandOf(mode) === 'apply'
      ? {
          blind: options.guard === undefined,
          clients: options.guard?.clients ?? [],
          maxStalenessMs: options.guard?.maxStalenessMs ?? null,
          reconcile: options.guard?.reconcile ?? false,
          limits: {
            maxBalanceChange: options.limits.maxBalanceChange ?? null,
            maxTotalChange: options.limits.maxTotalChange ?? null,
            maxRows: options.limits.maxRows ?? null,
            maxExpiryMoveDays: options.limits.maxExpiryMoveDays ?? null,
          },
        }
      : {}),
    extraColumns: [...options.extraColumns],
    ...(mode.kind === 'apply-plan' ? { planId: mode.plan.document.id } : {}),
    ...(send === undefined ? {} : sendingSettings(send, options.apiKeyFile)),
    ...(options.keySource === undefined ? {} : { keySource: options.keySource }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  };
}

/** How requests are sent, as every command that makes them records it: never the key, only its kind and the file it came from. */
export function sendingSettings(send: SendOptions, apiKeyFile: string | undefined): SendingSettings {
  return {
    target: send.target.origin,
    keyKind: keyKind(send.target.apiKey),
    apiKeyFile: apiKeyFile ?? null,
    concurrency: send.concurrency,
    ratePerMinute: send.maxRatePerMinute ?? null,
    startRatePerMinute: send.ratePerMinute,
    burst: send.burst,
    timeoutMs: send.timeoutMs,
    retries: send.retry.retries,
    retryDelayMs: send.retry.baseDelayMs,
    maxThrottleWaitMs: send.maxThrottleWaitMs,
    circuitBreaker: send.circuitBreaker,
  };
}
