/** The commands that run over a file and leave a run folder (run.json names one of these): named once, here. */
export const COMMANDS = ['apply', 'validate'] as const;
export type FileCommand = (typeof COMMANDS)[number];
/** Every command that leaves a run folder. */
export type CommandName = FileCommand | 'snapshot' | 'rollover' | 'verify';
