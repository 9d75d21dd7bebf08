import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, KEY, tempDir } from '../helpers.js';

/** The block of --help describing one option, from its line to the next option's. */
function optionBlock(help: string, flag: string): string {
  const lines = help.split('\n');
  const at = lines.findIndex((line) => new RegExp(`^\\s+(-\\w, )?${flag}\\b`).test(line));
  assert.ok(at >= 0, `${flag} not in:\n${help}`);
  const end = lines.findIndex((line, index) => index > at && /^\s+(-\w, )?--\w/.test(line));
  return lines.slice(at, end < 0 ? undefined : end).join('\n');
}

/** The exit codes listed at the end of a --help. */
const exitCodes = (help: string): string[] => [...(help.split('Exit codes:\n')[1] ?? '').matchAll(/^ {2}(\d+) /gm)].map((match) => match[1] ?? '');

describe('the command line as a newcomer types it', () => {
  it('takes -h and `help <command>` as --help', async () => {
    const dir = await tempDir();
    for (const args of [['-h'], ['help']]) {
      const run = await cli(args, { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^ti-credits <command> \[options\]/);
    }
    for (const args of [
      ['help', 'apply'],
      ['apply', '-h'],
    ]) {
      const run = await cli(args, { cwd: dir });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^ti-credits apply <file> \[options\]\n/);
      assert.match(run.stdout, /--rate/);
    }
  });

  it('suggests the command meant when one is mistyped', async () => {
    const run = await cli(['aply', 'x.csv'], { cwd: await tempDir() });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      'error: There is no ti-credits command "aply".\n  Did you mean ti-credits apply? The commands are apply, plan, approve, validate, clients, snapshot, rollover, verify, runs, login, logout, whoami, mock; run ti-credits --help. [TIC-UNKNOWN-COMMAND]\n',
    );
  });

  it('says in plain words that the file is missing', async () => {
    for (const command of ['apply', 'validate']) {
      const run = await cli([command], { cwd: await tempDir(), env: { TI_API_KEY: KEY } });
      assert.equal(run.code, 2);
      assert.match(run.stderr, new RegExp(`^error: No CSV file was given\\.\\n {2}Name the file to (send|check): ti-credits ${command} <file\\.csv>`));
    }
  });

  it('labels numeric options [number] in --help, yet refuses "1e3", pointing to the help that explains it', async () => {
    const dir = await tempDir();
    const help = (await cli(['apply', '--help'], { cwd: dir })).stdout;
    for (const flag of ['--rate', '--burst', '--concurrency', '--timeout', '--max-throttle-wait']) assert.match(optionBlock(help, flag), /\[number\]/, flag);
    assert.match(optionBlock(help, '--instance'), /\[string\]/);
    assert.match(optionBlock((await cli(['mock', '--help'], { cwd: dir })).stdout, '--port'), /\[number\]/);
    const run = await cli(['apply', 'x.csv', '--instance', 'acme', '--rate', '1e3'], { cwd: dir, env: { TI_API_KEY: KEY } });
    assert.equal(run.code, 2);
    assert.equal(
      run.stderr,
      'error: --rate must be a whole number from 0 to 1000000, not "1e3".\n  Run ti-credits apply --help for what --rate means. [TIC-FLAG-NUMBER]\n',
    );
    const mock = await cli(['mock', '--port', '80.5'], { cwd: dir });
    assert.match(mock.stderr, /Run ti-credits mock --help for what --port means/);
  });

  it("lists in each command's --help the exit codes that command can end with", async () => {
    const dir = await tempDir();
    const help = async (command: string): Promise<string[]> => exitCodes((await cli([command, '--help'], { cwd: dir })).stdout);
    assert.deepEqual(await help('apply'), ['0', '1', '2', '3', '130', '74', '70']);
    assert.deepEqual(await help('validate'), ['0', '2', '130', '74', '70']);
    assert.deepEqual(await help('snapshot'), ['0', '1', '2', '3', '130', '74', '70']);
    assert.deepEqual(await help('mock'), ['0', '2', '70']);
  });

  it('prints a shell completion script, and completes commands and options', async () => {
    const dir = await tempDir();
    const script = await cli(['completion'], { cwd: dir });
    assert.equal(script.code, 0);
    assert.match(script.stdout, /ti-credits --get-yargs-completions/);
    const commands = await cli(['--get-yargs-completions', 'ti-credits', ''], { cwd: dir });
    assert.deepEqual(commands.stdout.trim().split('\n').slice(0, 13), [
      'apply',
      'plan',
      'approve',
      'validate',
      'clients',
      'snapshot',
      'rollover',
      'verify',
      'runs',
      'login',
      'logout',
      'whoami',
      'mock',
    ]);
    const options = await cli(['--get-yargs-completions', 'ti-credits', 'apply', '--'], { cwd: dir });
    assert.ok(options.stdout.split('\n').includes('--max-throttle-wait'), options.stdout);
  });
});
