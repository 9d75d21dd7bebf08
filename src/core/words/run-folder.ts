import { defineWords } from '../words.js';

/** A file of a folder that cannot be read: absent (the folder is not one ti-credits wrote), or unreadable for `detail`. */
type FolderFile =
  | { readonly folder: string; readonly missing: true; readonly file: string }
  | { readonly folder: string; readonly missing: false; readonly path: string; readonly detail: string };

/** How a saved plan's folder differs from the plan that was made. */
export type Alteration =
  | { readonly altered: 'content' }
  | { readonly altered: 'copy-name'; readonly copy: string }
  | { readonly altered: 'copy'; readonly copy: string }
  | { readonly altered: 'baseline' };

/** A run folder held by another process: who holds it, when its lock says (undefined when the lock kept changing hands), and the lock's path. */
interface Busy {
  readonly folder: string;
  readonly holder: { readonly pid: number; readonly host: string; readonly since: string } | undefined;
  readonly lock: string;
}

const NEW_RUN_INSTEAD = 'Send the rows not updated (failed.csv, and the rows report.csv does not list) in a new run instead.';
const START_NEW_RUN = 'Start a new run for the rows not updated (failed.csv).';

/**
 * The words of the run folder and what it holds (src/report): making it,
 * writing it, holding it, and reading back run.json, report.csv,
 * baseline.csv and a saved plan.
 */
export const RUN_FOLDER_WORDS = defineWords({
  'TIC-OUT-UNUSABLE': {
    kind: 'invalid',
    title: 'the folder --out names cannot be used',
    message: (facts: { readonly out: string; readonly detail: string }) => `--out ${facts.out} cannot be used: ${facts.detail}`,
    hint: () => 'Choose a folder ti-credits can create and write to.',
  },
  'TIC-OUT-NOT-EMPTY': {
    kind: 'invalid',
    title: 'the folder --out names already holds files',
    message: (facts: { readonly out: string }) => `--out ${facts.out} already holds files, perhaps an earlier run's report.`,
    hint: () => 'Choose a new folder, or leave out --out to get one under reports/.',
  },
  'TIC-FOLDER-NOT-CREATED': {
    kind: 'invalid',
    title: "the run folder cannot be created (a read-only or full disk, a file system of the kernel's): nothing was sent",
    message: (facts: { readonly folder: string; readonly cause: string }) =>
      `cannot create the report folder ${facts.folder}: ${facts.cause}; nothing was sent.`,
    hint: () => 'Choose a folder on a disk ti-credits can write to with --out.',
  },
  'TIC-FOLDER-NOT-WRITABLE': {
    kind: 'invalid',
    title: 'the run folder cannot be written before the run begins: nothing was sent',
    message: (facts: { readonly folder: string; readonly cause: string }) =>
      `The run folder ${facts.folder} cannot be written: ${facts.cause}; nothing was sent.`,
    hint: () => 'Choose a folder ti-credits can write to with --out, or run it from one.',
  },
  'TIC-FOLDER-WRITE-FAILED': {
    kind: 'unwritable',
    title: 'a write to the run folder failed during the run (a full or read-only disk): the run stopped; --resume finishes it',
    message: (facts: { readonly folder: string; readonly cause: string }) =>
      `The run folder ${facts.folder} could not be written: ${facts.cause}. The run stopped at the first failed write, so that nothing was sent that could not be recorded.`,
    hint: () =>
      'Free some space on that disk (or make the folder writable), then continue the run with apply --resume <run folder> (a validate or a dry run is simply run again).',
  },
  'TIC-FOLDER-IN-USE': {
    kind: 'invalid',
    title: 'the run folder is held by another live ti-credits process',
    message: (facts: Busy) =>
      `${facts.folder} is in use by ${facts.holder === undefined ? 'another ti-credits process' : `ti-credits process ${facts.holder.pid} on ${facts.holder.host}, since ${facts.holder.since}`}: one run folder is written by one process at a time.`,
    hint: (facts: Busy) =>
      `Wait for that process to end, or stop it. If it is gone (a machine since restarted, another host that died), delete ${facts.lock} and try again.`,
  },
  'TIC-RUN-FOLDER-UNREADABLE': {
    kind: 'invalid',
    title: '--resume given a folder that is not a run folder, or whose run.json cannot be read',
    message: (facts: FolderFile) =>
      facts.missing ? `${facts.folder} is not a run folder: it has no ${facts.file}.` : `${facts.path} cannot be read: ${facts.detail}`,
    hint: () => 'Give --resume the folder of the interrupted run, as printed when it stopped (reports/<time>-<file name>).',
  },
  'TIC-RUN-RECORD-DAMAGED': {
    kind: 'invalid',
    title: "a run folder's run.json is damaged: the run cannot be resumed",
    message: (facts: { readonly path: string }) => `${facts.path} is damaged, so the run cannot be resumed safely.`,
    hint: () => NEW_RUN_INSTEAD,
  },
  'TIC-REPORT-UNREADABLE': {
    kind: 'invalid',
    title: "a run folder's report.csv cannot be read back: the run cannot be resumed (or checked)",
    message: (facts: { readonly path: string; readonly why: string }) =>
      `${facts.path} cannot be read back (${facts.why}), so the run cannot be resumed safely.`,
    hint: () => NEW_RUN_INSTEAD,
  },
  'TIC-BASELINE-DAMAGED': {
    kind: 'invalid',
    title: "a run folder's baseline.csv cannot be read back: the run cannot go on",
    message: (facts: { readonly path: string; readonly why: string } | { readonly path: string; readonly record: string }) =>
      'why' in facts
        ? `${facts.path} cannot be read back (${facts.why}), so the run cannot go on safely.`
        : `${facts.path} is damaged (a record reads ${facts.record}), so the run cannot go on safely.`,
    hint: () => START_NEW_RUN,
  },
  'TIC-PLAN-FOLDER-UNREADABLE': {
    kind: 'invalid',
    title: '--plan given a folder that is not a plan folder, or whose plan.json cannot be read',
    message: (facts: FolderFile) =>
      facts.missing ? `${facts.folder} is not a plan folder: it has no ${facts.file}.` : `${facts.path} cannot be read: ${facts.detail}.`,
    hint: () => 'Give --plan the folder ti-credits plan wrote (reports/<time>-<file name>), as its approver received it.',
  },
  'TIC-PLAN-ALTERED': {
    kind: 'invalid',
    title: 'a saved plan altered since it was made: not the plan that was approved',
    message: (facts: { readonly folder: string } & Alteration) => {
      const what =
        facts.altered === 'content'
          ? 'its content no longer matches its id'
          : facts.altered === 'copy-name'
            ? `it names ${JSON.stringify(facts.copy)} as its input copy`
            : facts.altered === 'copy'
              ? `${facts.copy} is not the input it was made from`
              : 'baseline.csv is not the one it recorded';
      return `The plan in ${facts.folder} was altered since it was made (${what}), so it is not the plan that was approved; nothing was sent.`;
    },
    hint: () => 'Make the plan again with ti-credits plan, and have it approved again.',
  },
  'TIC-INTERNAL-REPORT-COLUMN': {
    kind: 'internal',
    title: 'a report read back without a column ti-credits needs of it',
    message: (facts: { readonly name: string }) => `a report read back needs a ${facts.name} column`,
  },
  'TIC-INTERNAL-REPORT-SHORT': {
    kind: 'internal',
    title: 'report.csv shorter than the records read from it a moment before',
    message: (facts: { readonly offset: number }) => `report.csv ends before the record at byte ${facts.offset}`,
  },
  'TIC-INTERNAL-COMPACT-UNLOADED': {
    kind: 'internal',
    title: 'a report compacted before it was read back',
    message: () => 'a report is compacted after loadPrior read it back',
  },
  'TIC-INTERNAL-MARK-COLUMNS': {
    kind: 'internal',
    title: 'report.csv marked for reconciliation without the columns it marks',
    message: (facts: { readonly path: string; readonly columns: string }) => `${facts.path} has no ${facts.columns} column to mark`,
  },
  'TIC-INTERNAL-PUBLIC-KEY-SIGNS': {
    kind: 'internal',
    title: 'an approval signed with an Ed25519 public key',
    message: () => 'an Ed25519 public key cannot sign',
  },
});
