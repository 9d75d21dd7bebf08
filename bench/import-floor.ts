/**
 * The floor under a one-row run's start-up: a process that loads the
 * libraries a run needs (got, yargs, pino, csv-parse, p-retry) and nothing
 * else, then exits. bench/startup.ts runs it beside the real thing.
 */
await Promise.all([import('got'), import('yargs'), import('pino'), import('csv-parse'), import('p-retry')]);
