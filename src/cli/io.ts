/** What a command may touch of the outside world; the entry point passes the real ones, tests their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted when the user asks the process to stop (Ctrl-C, SIGTERM). */
  readonly shutdown: AbortSignal;
  /** Aborted when the user asks again (a second Ctrl-C): requests in flight are abandoned, and the run ends at once with its files written. */
  readonly hardStop?: AbortSignal | undefined;
  /**
   * Present when a person is at a terminal (stdin and stderr both TTYs): a
   * progress bar can be drawn and a question asked. Absent under cron, CI or
   * a pipe, where neither would reach anyone.
   */
  readonly terminal?: Terminal | undefined;
  /** Standard input, for a command that reads what is piped to it (`login --stdin`). */
  readonly stdin?: NodeJS.ReadableStream | undefined;
}

export interface Terminal {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WriteStream;
}
