/** The commands that run over a file and leave a run folder: named once, here. */
export const COMMANDS = ['apply', 'validate'] as const;
export type CommandName = (typeof COMMANDS)[number];
