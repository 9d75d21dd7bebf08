/** What a command may touch of the outside world; the entry point passes the real ones, tests their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted when the user asks the process to stop (Ctrl-C, SIGTERM). */
  readonly shutdown: AbortSignal;
}
