import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import type * as PlanHtml from '../src/report/plan-html.js';
import { launchChromium, openFile } from './browser.js';
import { readCsvFile, runFolder, tempDir } from './helpers.js';
import { change, planDocument, row } from './plan-documents.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(await (await import('node:fs/promises')).readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The environment npm sees here, without what `npm test` set for its own
 * run (the project's prefix, the script's name...), which would point a
 * global install back at the clone.
 */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(config_(prefix|global|local_prefix)|lifecycle_|package_|command$|node_execpath$)/i.test(name) && name !== 'INIT_CWD',
    ),
  );
}

describe('installing ti-credits for use outside the clone', () => {
  it('packs, installs from the tarball into a prefix of its own, and runs from another folder', async () => {
    const work = await tempDir();
    // dist/ is already built by `npm test`; --ignore-scripts keeps `prepare` from rebuilding it under the other tests' feet.
    const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, env: npmEnv() });
    const [manifest] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(manifest);
    const files = manifest.files.map((file) => file.path);
    assert.ok(files.includes('dist/src/cli/main.js'), 'the command itself is packed');
    assert.ok(files.includes('fixtures/sample-seed.json'), 'the sample instance of `mock --sample` is packed (issue 24)');
    assert.ok(
      files.includes('dist/page/plan.js') && files.includes('dist/page/runtime.js'),
      "the pages' script, which plan.html and report.html embed, is packed",
    );
    assert.ok(!files.some((path) => path.startsWith('dist/test/') || path.startsWith('src/') || path.endsWith('.map')), 'only the built command is packed');

    // The tarball is installed as `npm install --global` lays it out (the package under lib/node_modules, its
    // command in bin), its dependencies those the lockfile pins, taken from npm's cache, which `npm ci` filled:
    // the test stays off the network. `npm install --global <tarball>` itself cannot run offline on a fresh
    // machine: it asks the registry for every dependency's metadata, which npm ci never stores.
    const prefix = join(work, 'prefix');
    const installed = join(prefix, 'lib', 'node_modules', 'ti-credits');
    await mkdir(installed, { recursive: true });
    await exec('tar', ['xzf', join(work, manifest.filename), '-C', installed, '--strip-components', '1']);
    await copyFile(join(root, 'package-lock.json'), join(installed, 'package-lock.json'));
    await exec('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: installed, env: npmEnv() });
    await mkdir(join(prefix, 'bin'));
    await symlink(join(installed, 'dist', 'src', 'cli', 'main.js'), join(prefix, 'bin', 'ti-credits'));
    const bin = join(prefix, 'bin', 'ti-credits');
    assert.ok(existsSync(bin));

    const elsewhere = await tempDir();
    const version = await exec(bin, ['--version'], { cwd: elsewhere });
    assert.equal(version.stdout.trim(), VERSION);
    const validated = await exec(bin, ['validate', join(root, 'fixtures', 'sample.csv')], { cwd: elsewhere, env: { PATH: process.env.PATH ?? '' } });
    assert.match(validated.stdout, /^Validated: 12 rows in .*sample\.csv: 12 valid\./);
    assert.equal((await readCsvFile(join(await runFolder(elsewhere), 'report.csv'))).length, 12);

    // plan.html from the installed package alone: its script read from the package's dist/page and embedded, the page drawn and checked in Chromium.
    const { renderPlanHtml } = (await import(pathToFileURL(join(installed, 'dist', 'src', 'report', 'plan-html.js')).href)) as typeof PlanHtml;
    const planHtml = join(elsewhere, 'plan.html');
    await writeFile(planHtml, renderPlanHtml(planDocument([row(2, 'batch-1', null, 'change', [change('currentBalance', 100, 250)])])));
    const browser = await launchChromium();
    try {
      const { page, requests, complaints } = await openFile(browser, planHtml);
      assert.equal(await page.locator('html').getAttribute('data-ready'), 'true');
      assert.equal(await page.getByTestId('tie-out').getAttribute('data-verdict'), 'ties');
      assert.deepEqual(await page.getByTestId('table-changes').getByTestId('row').locator('td').first().textContent(), '2');
      assert.deepEqual(requests, [pathToFileURL(planHtml).href]);
      assert.deepEqual(complaints, []);
    } finally {
      await browser.close();
    }

    // The walkthrough's mock, from the installed package alone: the sample instance it ships.
    const sample = spawn(bin, ['mock', '--sample', '--port', '0'], { cwd: elsewhere, env: { PATH: process.env.PATH ?? '' } });
    try {
      let started = '';
      for await (const chunk of sample.stdout) {
        started += String(chunk);
        if (started.includes('Press Ctrl-C')) break;
      }
      assert.match(started, /\n {2}12 credit batches; accepted key: /);
    } finally {
      sample.kill();
    }
  });
});
