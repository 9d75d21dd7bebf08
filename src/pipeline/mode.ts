import type { FileCommand } from '../core/command.js';
import type { PlanDocument } from '../report/plan-document.js';

/**
 * What one run over a file does, named once: the command line decides it
 * from the options, and every stage asks the mode rather than a handful of
 * flags. A run is always scan → plan → apply; the mode says how far it goes
 * and where its plan comes from.
 *
 * - `validate`: the file alone; no API.
 * - `dry-run`: the plan, shown and reported; nothing sent. `offline`: no
 *   request at all (neither the key checked nor the live values read).
 * - `plan`: a dry run whose folder is saved as a plan for a second person.
 * - `apply`: the plan made now, confirmed, then applied.
 * - `apply-plan`: a saved plan applied, from its copy of the input and its
 *   baselines: the same apply as a plan made now.
 * - `resume`: the run in a folder, continued where it stopped.
 */
export type RunMode =
  | { readonly kind: 'validate' }
  | { readonly kind: 'dry-run'; readonly offline: boolean }
  | { readonly kind: 'plan' }
  | { readonly kind: 'apply' }
  | { readonly kind: 'apply-plan'; readonly plan: SavedPlan }
  | { readonly kind: 'resume'; readonly folder: string };

/** Whether the run sends changes (it may still refuse to, or be declined). */
export function sends(mode: RunMode): boolean {
  return mode.kind === 'apply' || mode.kind === 'apply-plan' || mode.kind === 'resume';
}

/** Whether the run only checks: its valid rows end `valid`, never sent. */
export function checksOnly(mode: RunMode): boolean {
  return !sends(mode);
}

/** Whether the run may talk to the API at all. */
export function makesRequests(mode: RunMode): boolean {
  return mode.kind !== 'validate' && !(mode.kind === 'dry-run' && mode.offline);
}

/** The command a run folder's run.json and summary.json name. */
export function commandOf(mode: RunMode): FileCommand {
  return mode.kind === 'validate' ? 'validate' : 'apply';
}

/** summary.json's `dryRun`: the runs that plan and send nothing. */
export function isDryRun(mode: RunMode): boolean {
  return mode.kind === 'dry-run' || mode.kind === 'plan';
}

/** A saved plan (`ti-credits plan`) as `apply --plan` sends it. */
export interface SavedPlan {
  readonly folder: string;
  readonly document: PlanDocument;
  /** Oldest the plan may be when it is sent. */
  readonly maxAgeMs: number;
}
