import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { REFERENCE_FILE, renderReference } from '../../scripts/reference.js';
import { cli, tempDir } from '../helpers.js';

/** The flags a --help lists, by their long names. */
function helpFlags(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, | {4})--([a-z][\w-]*)/gm)].map((match) => match[1] ?? '').filter((name) => name !== 'help' && name !== 'version');
}

describe('the command registry', () => {
  it("lists in each command's --help exactly the flags its module declares", async () => {
    const dir = await tempDir();
    for (const command of COMMANDS) {
      const help = (await cli([command.name, '--help'], { cwd: dir })).stdout;
      assert.deepEqual(helpFlags(help).sort(), Object.keys(command.flags).sort(), command.name);
    }
  });

  it('keeps plan to the flags a plan can use', async () => {
    const listed = helpFlags((await cli(['plan', '--help'], { cwd: await tempDir() })).stdout);
    assert.ok(listed.includes('max-staleness'), listed.join(' '));
    for (const flag of ['resume', 'plan', 'require-approved-plan', 'verify', 'blind', 'offline', 'dry-run', 'yes']) assert.ok(!listed.includes(flag), flag);
    const refused = await cli(['plan', 'x.csv', '--resume', 'somewhere'], { cwd: await tempDir() });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Unknown argument: resume/);
  });

  it('names every command where a command is asked for, and never prints a placeholder for its own name', async () => {
    const dir = await tempDir();
    const none = await cli([], { cwd: dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, new RegExp(`Name a command: ${COMMANDS.map((command) => command.name).join(', ')}\\.`));
    for (const args of [['--help'], ...COMMANDS.map((command) => [command.name, '--help'])]) {
      assert.doesNotMatch((await cli(args, { cwd: dir })).stdout, /\$0/, args.join(' '));
    }
  });

  it('declares every flag with words, and bounds for every number', () => {
    for (const command of COMMANDS) {
      assert.ok(command.exits.length > 0, command.name);
      for (const [name, spec] of Object.entries(command.flags)) {
        assert.ok(spec.describe.length > 10, `${command.name} --${name}`);
        if (spec.type === 'number') assert.ok(spec.max !== undefined || spec.min !== undefined, `${command.name} --${name} has no bounds`);
      }
    }
  });

  it('has docs/reference.md as the registry renders it (npm run docs:reference writes it)', () => {
    assert.equal(readFileSync(REFERENCE_FILE, 'utf8'), renderReference());
  });
});
