import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import {
  CONFIGURATIONS,
  jvmArgs,
  parseSettings,
  REPO_ROOT,
  USAGE,
  UsageError,
  VALUED_OPTIONS,
} from '../lib/settings.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, '..', 'roundtrip.mjs');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'roundtrip-ts-settings-'));

/** A file that exists, to stand for a jar where only its presence is checked. */
function fakeJar(name) {
  const file = path.join(scratch, name);
  writeFileSync(file, 'not really a jar');
  return file;
}

/** An executable that stands for java, for the parsing tests (nothing is started). */
function fakeJava() {
  const file = path.join(scratch, 'java');
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

/** The options every parse below needs, so that it does not depend on a build. */
const jars = () => [
  '--runtime-jar',
  fakeJar('runtime-all.jar'),
  '--agent-jar',
  fakeJar('agent.jar'),
  '--java',
  fakeJava(),
];

/** Runs the CLI; its status and stderr. */
function cli(...args) {
  const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

function rejects(args, message) {
  assert.throws(
    () => parseSettings(args, { warn: () => {} }),
    (e) => {
      assert.ok(e instanceof UsageError, `${e}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

test("the defaults are the Java harness's", () => {
  const s = parseSettings(['--only', 'none,trace-off,trace-on', ...jars()]);

  assert.equal(s.rounds, 6);
  assert.equal(s.warmupCalls, 3000);
  assert.equal(s.warmupMaxCalls, 100000);
  assert.equal(s.calls, 8000);
  assert.equal(s.blocks, 8);
  assert.equal(s.tool, 'list_sessions');
  assert.deepEqual(s.arguments, {});
  assert.deepEqual(
    s.configurations.map((c) => c.id),
    ['none', 'trace-off', 'trace-on'],
  );
});

test('a bad number names the option and the value', () => {
  rejects(['--rounds', 'six'], '--rounds needs a positive number, got six');
  rejects(['--calls', '0'], '--calls needs a positive number, got 0');
  rejects(['--blocks', '-3'], '--blocks needs a positive number, got -3');
  rejects(['--warmup-calls', '1.5'], '--warmup-calls needs a positive number, got 1.5');
});

test('an unknown option, a missing value and a warm-up ceiling below the minimum are refused', () => {
  assert.throws(() => parseSettings(['--round', '2']), /unknown option --round; valid: --rounds,/);
  rejects(['--rounds'], '--rounds needs a value');
  rejects(
    ['--warmup-calls', '500', '--warmup-max-calls', '100'],
    '--warmup-max-calls 100 is fewer than --warmup-calls 500',
  );
});

test('an unknown or repeated configuration is refused', () => {
  rejects(['--only', 'none,fast'], '--only takes none, trace-off, trace-on, otel; got fast');
  rejects(['--only', 'none,none'], '--only names none twice');
});

test('arguments that are not a JSON object are refused', () => {
  rejects(['--arguments', '[1,2]'], '--arguments needs a JSON object, got [1,2]');
  rejects(['--arguments', '{'], '--arguments needs a JSON object, got {');
});

test('a jar or a java that is not there is named', () => {
  rejects(
    ['--runtime-jar', '/no/such/runtime.jar'],
    '--runtime-jar /no/such/runtime.jar is not a file',
  );
  rejects(
    ['--runtime-jar', fakeJar('r.jar'), '--agent-jar', '/no/such/agent.jar'],
    '--agent-jar /no/such/agent.jar is not a file',
  );
  rejects(
    ['--runtime-jar', fakeJar('r.jar'), '--only', 'none', '--java', '/no/such/java'],
    '--java /no/such/java is not an executable file',
  );
  rejects(
    ['--runtime-jar', fakeJar('r.jar'), '--only', 'otel', '--otel-jar', '/no/such/otel.jar'],
    '--otel-jar /no/such/otel.jar is not a file',
  );
});

test('without a configuration of this agent, no agent jar is needed', () => {
  const s = parseSettings([
    '--only',
    'none',
    '--runtime-jar',
    fakeJar('r.jar'),
    '--agent-jar',
    '/no/such/agent.jar',
    '--java',
    fakeJava(),
  ]);

  assert.equal(s.agentJar, undefined);
});

test('this agent is attached with its configuration, its run folder and strict mode', () => {
  const s = parseSettings(['--agent-options', 'sample=1', ...jars()]);

  assert.deepEqual(jvmArgs(CONFIGURATIONS['trace-on'], '/runs/r0', s), [
    `-javaagent:${s.agentJar}=trace=on,strict=true,metrics.interval=3600s,output.dir=/runs/r0/agent,sample=1`,
  ]);
  assert.deepEqual(jvmArgs(CONFIGURATIONS.none, '/runs/r0', s), []);
});

test('the command line exits 2 and names the problem on stderr', () => {
  const bad = cli('--rounds', 'x');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'roundtrip: --rounds needs a positive number, got x\n');

  const missing = cli('--only', 'none', '--runtime-jar', '/no/such/runtime.jar');
  assert.equal(missing.status, 2);
  assert.match(
    missing.stderr,
    /^roundtrip: --runtime-jar \/no\/such\/runtime\.jar is not a file$/m,
  );
  assert.equal(missing.stdout, '');
});

test('help prints the options and exits 0', () => {
  const help = cli('--help');

  assert.equal(help.status, 0);
  assert.match(help.stdout, /--warmup-max-calls N/);
  assert.match(help.stdout, /--runtime-jar PATH/);
});

test('a check needs a positive percentage and no agent to compare with', () => {
  rejects(['--check', 'two'], '--check needs a positive percentage, got two');
  rejects(['--check', '0'], '--check needs a positive percentage, got 0');
  rejects(
    ['--check', '2', '--only', 'trace-on'],
    '--check compares with no agent: keep none in --only',
  );
  assert.equal(parseSettings(['--check', '2.5', ...jars()]).checkPercent, 2.5);
});

test('docs/benchmarks.md and --help name every option', () => {
  const docs = readFileSync(path.join(REPO_ROOT, 'docs/benchmarks.md'), 'utf8');
  const section = docs.slice(docs.indexOf('### The same call through the TypeScript client'));
  const own = section.slice(0, section.indexOf('\n### ', 1));

  for (const option of VALUED_OPTIONS) {
    assert.ok(own.includes(`\`${option}`), `${option} in docs/benchmarks.md`);
    assert.ok(USAGE.includes(`  ${option} `), `${option} in --help`);
  }
});
