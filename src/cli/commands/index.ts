import type { Command } from '../command.js';
import { apply } from './apply.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { approve } from './approve.js';
import { clients } from './clients.js';
import { mock } from './mock.js';
import { plan } from './plan.js';
import { rollover } from './rollover.js';
import { runs } from './runs.js';
import { snapshot } from './snapshot.js';
import { validate } from './validate.js';
import { verify } from './verify.js';
import { whoami } from './whoami.js';

/**
 * Every command, in the order --help lists them. A command module holds
 * only its declarations and a `run` that loads what it runs when it runs:
 * listing the commands loads no pipeline.
 */
export const COMMANDS: readonly Command[] = [apply, plan, approve, validate, clients, snapshot, rollover, verify, runs, login, logout, whoami, mock];

export function commandNamed(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
