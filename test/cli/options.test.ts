import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { apply } from '../../src/cli/commands/apply.js';
import { mock, resolveMockOptions as resolveMock } from '../../src/cli/commands/mock.js';
import { validate } from '../../src/cli/commands/validate.js';
import { resolveApplyRun, resolveValidateRun } from '../../src/cli/file-run.js';
import { Flags } from '../../src/cli/flags/spec.js';
import { parseBaseUrl } from '../../src/cli/flags/target.js';
import { TiError } from '../../src/core/errors.js';
import { rememberPace } from '../../src/report/pace-memory.js';
import { tempDir } from '../helpers.js';

describe('base URL', () => {
  it('keeps only the origin, with or without /incoming/v2', () => {
    for (const text of [
      'https://learn.example.com',
      'https://learn.example.com/',
      'https://learn.example.com/incoming/v2',
      'https://learn.example.com/incoming/v2/',
    ]) {
      assert.equal(parseBaseUrl(text, '--base-url'), 'https://learn.example.com');
    }
  });
  it('allows plain http only to this machine', () => {
    for (const text of ['http://127.0.0.1:4010', 'http://localhost:8080/incoming/v2', 'http://[::1]:4010'])
      assert.ok(parseBaseUrl(text, '--base-url').startsWith('http://'));
    for (const text of ['http://acme.thoughtindustries.com', 'http://192.168.1.10', 'http://127.0.0.1.example.com']) {
      assert.throws(() => parseBaseUrl(text, '--base-url'), /plain http:\/\//);
    }
  });
  it('refuses other paths, credentials, queries and schemes', () => {
    assert.throws(() => parseBaseUrl('https://x.example/api', '--base-url'), /must be the instance's address alone/);
    assert.throws(() => parseBaseUrl('https://x.example/?a=1', '--base-url'), /must be the instance's address alone/);
    assert.throws(() => parseBaseUrl('https://me:pw@x.example', '--base-url'), /user name or password/);
    assert.throws(() => parseBaseUrl('ftp://x.example', '--base-url'), /must start with https/);
    assert.throws(() => parseBaseUrl('x.example', '--base-url'), /is not a web address/);
  });
});

describe('apply options', () => {
  const resolve = (argv: Record<string, unknown>, env: Record<string, string | undefined> = { TI_API_KEY: 'ti_test_k_0123456789abcdef' }) =>
    resolveApplyRun(new Flags('apply', { csv: 'a.csv', 'log-level': 'info', ...argv }, apply.flags), env, new Date(), {
      cwd: process.cwd(),
      typed: new Set(),
    }).then((run) => run.options);
  it('maps an instance to its thoughtindustries.com origin and applies the defaults', async () => {
    const options = await resolve({ instance: 'Acme' });
    assert.equal(options.send?.target.origin, 'https://acme.thoughtindustries.com');
    assert.deepEqual([options.send?.concurrency, options.send?.ratePerMinute, options.send?.retry.retries, options.send?.timeoutMs], [4, 120, 5, 30_000]);
  });
  it('prefers flags to the environment', async () => {
    const options = await resolve({ 'base-url': 'https://flag.example' }, { TI_API_KEY: 'ti_test_k_0123456789abcdef', TI_INSTANCE: 'envname' });
    assert.equal(options.send?.target.origin, 'https://flag.example');
    assert.equal(
      (await resolve({}, { TI_API_KEY: 'ti_test_k_0123456789abcdef', TI_INSTANCE: 'envname' })).send?.target.origin,
      'https://envname.thoughtindustries.com',
    );
  });
  it('refuses a key that could not be one', async () => {
    await assert.rejects(resolve({ instance: 'a' }, { TI_API_KEY: 'Bearer ti_test_k_0123456789abcdef' }), /starts with "Bearer"/);
    await assert.rejects(resolve({ instance: 'a' }, { TI_API_KEY: 'ti_test k_0123456789abcdef' }), /spaces or characters/);
    await assert.rejects(resolve({ instance: 'a' }, { TI_API_KEY: '  ' }), /is empty/);
  });
  it('parses numbers strictly', async () => {
    for (const [name, value] of [
      ['rate', '-1'],
      ['rate', '1.5'],
      ['retries', '21'],
      ['timeout', '50'],
      ['concurrency', '0'],
      ['concurrency', 'four'],
    ] as const) {
      await assert.rejects(
        resolve({ instance: 'a', [name]: value }),
        (error: unknown) => error instanceof TiError && error.kind === 'invalid' && error.message.startsWith(`--${name} must be a whole number`),
      );
    }
    assert.equal((await resolve({ instance: 'a', rate: '0' })).send?.ratePerMinute, 0);
  });
  it('takes the pacing, the throttling allowance and the circuit breaker, in the units they are given', async () => {
    const defaults = (await resolve({ instance: 'a' })).send;
    assert.deepEqual([defaults?.burst, defaults?.maxThrottleWaitMs, defaults?.circuitBreaker], [20, 900_000, 10]);
    const enterprise = (await resolve({ instance: 'a', rate: '600', burst: '100', 'max-throttle-wait': '60', 'circuit-breaker': '0' })).send;
    assert.deepEqual([enterprise?.ratePerMinute, enterprise?.burst, enterprise?.maxThrottleWaitMs, enterprise?.circuitBreaker], [600, 100, 60_000, 0]);
    await assert.rejects(resolve({ instance: 'a', burst: '0' }), /--burst must be a whole number from 1/);
    await assert.rejects(resolve({ instance: 'a', 'max-throttle-wait': '0' }), /--max-throttle-wait must be a whole number from 1/);
  });
});

describe('where the pace starts', () => {
  const ACME = 'https://acme.thoughtindustries.com';
  const pace = async (cwd: string, argv: Record<string, unknown> = {}): Promise<unknown[]> => {
    const { options } = await resolveApplyRun(
      new Flags('apply', { csv: 'a.csv', 'log-level': 'info', instance: 'acme', ...argv }, apply.flags),
      { TI_API_KEY: 'ti_test_k_0123456789abcdef' },
      new Date(),
      { cwd, typed: new Set() },
    );
    const send = options.send;
    return [send?.ratePerMinute, send?.maxRatePerMinute, send?.rateFrom, send?.burst, send?.learnBurst];
  };
  it('without --rate, at 120 with no ceiling; with it, at --rate, a ceiling', async () => {
    const cwd = await tempDir();
    assert.deepEqual(await pace(cwd), [120, undefined, 'guessed', 20, true]);
    assert.deepEqual(await pace(cwd, { rate: '600', burst: '100' }), [600, 600, 'told', 100, false]);
    assert.deepEqual(await pace(cwd, { rate: '0' }), [0, 0, 'told', 20, true]);
  });
  it('where the last run against the same target left it (pace.json in the reports root), never above --rate', async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, 'reports'));
    await mkdir(join(cwd, 'elsewhere'));
    await rememberPace(join(cwd, 'reports'), ACME, { ratePerMinute: 540, burst: 1, stated: false, learnedAt: '2026-11-24T12:00:00.000Z' });
    assert.deepEqual(await pace(cwd), [540, undefined, 'remembered', 1, true]);
    assert.deepEqual(await pace(cwd, { rate: '100000' }), [540, 100_000, 'remembered', 1, true]);
    assert.deepEqual(await pace(cwd, { rate: '0', burst: '10' }), [540, 0, 'remembered', 10, false]);
    assert.deepEqual(await pace(cwd, { rate: '300' }), [300, 300, 'told', 1, true]);
    // A run folder put elsewhere (--out) still has the reports root's memory; another target, or another reports root, has none of it.
    assert.deepEqual(await pace(cwd, { out: 'elsewhere/run-1' }), [540, undefined, 'remembered', 1, true]);
    assert.deepEqual(await pace(cwd, { instance: 'globex' }), [120, undefined, 'guessed', 20, true]);
    assert.deepEqual(await pace(cwd, { reports: 'elsewhere' }), [120, undefined, 'guessed', 20, true]);
    await rememberPace(join(cwd, 'elsewhere'), ACME, { ratePerMinute: 600, burst: 100, stated: true, learnedAt: '2026-11-24T12:00:00.000Z' });
    assert.deepEqual(await pace(cwd, { reports: 'elsewhere' }), [600, undefined, 'remembered', 100, true]);
  });
});

describe('reading options', () => {
  const resolve = (argv: Record<string, unknown>) =>
    resolveValidateRun(
      new Flags('validate', { csv: 'a.csv', 'log-level': 'info', 'date-only': 'end-of-day', ...argv }, validate.flags),
      new Date('2026-11-24T00:00:00Z'),
      '/',
    ).options;
  it('default to UTF-8 or a byte order mark, a detected delimiter, ISO dates read to the end of the day in UTC', () => {
    const options = resolve({});
    assert.deepEqual(options.read, { encoding: undefined, delimiter: undefined, sheet: undefined });
    assert.deepEqual(options.rules, {
      dateOnly: 'end-of-day',
      timezone: 'UTC',
      dateFormat: undefined,
      allowPastExpiry: false,
      thousandsSeparator: undefined,
      now: '2026-11-24T00:00:00.000Z',
    });
    assert.equal(options.excel, false);
  });
  it('take the names people use for encodings, delimiters and separators', () => {
    assert.equal(resolve({ encoding: 'latin1' }).read.encoding, 'windows-1252');
    assert.equal(resolve({ encoding: 'UTF-16LE' }).read.encoding, 'utf-16le');
    assert.equal(resolve({ delimiter: 'tab' }).read.delimiter, '\t');
    assert.equal(resolve({ delimiter: ';' }).read.delimiter, ';');
    assert.equal(resolve({ 'thousands-separator': 'space' }).rules.thousandsSeparator, ' ');
    assert.equal(resolve({ 'date-format': 'dd.mm.yyyy' }).rules.dateFormat?.text, 'DD.MM.YYYY');
    assert.equal(resolve({ timezone: 'Europe/Paris', 'allow-past-expiry': true, excel: true }).rules.timezone, 'Europe/Paris');
    assert.equal(resolve({ sheet: ' Q3 changes ' }).read.sheet, ' Q3 changes ');
  });
  it('refuse what they cannot read, saying what they take', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ encoding: 'klingon' }, /--encoding "klingon" is not an encoding/],
      [{ delimiter: '|' }, /--delimiter "\|" is not one ti-credits reads/],
      [{ timezone: 'Mars/Olympus' }, /--timezone "Mars\/Olympus" is not a time zone/],
      [{ 'date-format': 'DD/MM/YY' }, /--date-format "DD\/MM\/YY" is not a format/],
      [{ 'thousands-separator': '_' }, /--thousands-separator "_" is not one/],
      [{ sheet: ['March', 'April'] }, /--sheet was given more than once/],
      [{ sheet: '' }, /--sheet was given no name/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => resolve(argv),
        (error: unknown) => error instanceof TiError && error.kind === 'invalid' && message.test(error.message) && error.hint !== undefined,
      );
    }
  });
});

const resolveMockOptions = (argv: Record<string, unknown>): ReturnType<typeof resolveMock> => resolveMock(new Flags('mock', argv, mock.flags));

describe('mock options', () => {
  it('throttles only when --rate-limit is given, with a burst of 20 unless told', () => {
    assert.equal(resolveMockOptions({ host: '127.0.0.1' }).rateLimit, undefined);
    assert.deepEqual(resolveMockOptions({ host: '127.0.0.1', 'rate-limit': '120' }).rateLimit, { perMinute: 120, burst: 20 });
    assert.deepEqual(resolveMockOptions({ host: '127.0.0.1', 'rate-limit': '600', burst: '100' }).rateLimit, { perMinute: 600, burst: 100 });
    assert.throws(() => resolveMockOptions({ host: '127.0.0.1', 'rate-limit': '120', burst: '0' }), /--burst must be a whole number from 1/);
  });
  it('injects 5xx with Retry-After and slow answers when told', () => {
    const { faults } = resolveMockOptions({ host: '127.0.0.1', 'error-rate': '1', 'error-retry-after': '5', 'slow-rate': '0.5', 'slow-ms': '2000' });
    assert.deepEqual([faults.errorRate, faults.errorRetryAfterSeconds, faults.slowRate, faults.slowMs], [1, 5, 0.5, 2000]);
    assert.equal(resolveMockOptions({ host: '127.0.0.1' }).faults.errorRetryAfterSeconds, undefined);
  });
  it('refuses to listen anywhere but loopback', () => {
    assert.throws(() => resolveMockOptions({ host: '0.0.0.0' }), /not a loopback address/);
  });
});
