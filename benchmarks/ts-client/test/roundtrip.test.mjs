// The benchmark run for real, briefly, against the packaged runtime and agent jars: the JSON has
// the Java harness's fields, and the agent's own metrics counted every call the client made.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../lib/settings.mjs';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'roundtrip.mjs');

function jarIn(dir, pattern) {
  try {
    return readdirSync(path.join(REPO_ROOT, dir)).some((name) => pattern.test(name));
  } catch {
    return false;
  }
}

const missingJars = [
  jarIn('agent-runtime/target', /^agent-runtime-.+-all\.jar$/)
    ? null
    : 'agent-runtime/target/agent-runtime-*-all.jar',
  jarIn('instrument-javaagent/target', /^instrument-javaagent-.+\.jar$/)
    ? null
    : 'instrument-javaagent/target/instrument-javaagent-*.jar',
].filter((m) => m !== null);
// CI sets ROUNDTRIP_REQUIRE_JARS=1 after packaging: there a missing jar fails the run instead.
const skipWithoutJars =
  missingJars.length > 0 &&
  process.env.ROUNDTRIP_REQUIRE_JARS !== '1' &&
  `the jars are absent (no ${missingJars.join(', no ')}): build them with` +
    ' ./mvnw -DskipTests package to run the benchmark for real';
if (skipWithoutJars) {
  console.log(`SKIPPING the real runs: ${skipWithoutJars}`);
}

/** Runs the CLI to its end; its status and output. */
/** The options of a run of one call without an agent, its JSON in `dir`. */
function oneCallOfNone(dir, ...more) {
  const once = ['--rounds', '1', '--warmup-calls', '1', '--calls', '1', '--only', 'none'];
  return [...once, ...more, '--json', path.join(dir, 'x.json')];
}

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The keys of an object, sorted. */
const keys = (object) => Object.keys(object).sort();

test(
  "times whole calls through the TypeScript client, with the Java harness's JSON, observed by the agent",
  { skip: skipWithoutJars, timeout: 300_000 },
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roundtrip-ts-run-'));
    const json = path.join(dir, 'roundtrip.json');
    const warmup = 150;
    const calls = 250;

    const result = await run([
      '--rounds',
      '2',
      '--warmup-calls',
      String(warmup),
      '--warmup-max-calls',
      String(warmup),
      '--calls',
      String(calls),
      '--blocks',
      '3',
      '--only',
      'none,trace-off',
      '--json',
      json,
    ]);

    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /Whole list_sessions calls through stdio \(typescript-sdk 1\.\d+\.\d+ client\)/,
    );
    assert.match(result.stdout, /median of 2 rounds in ABBA order/);
    const written = JSON.parse(readFileSync(json, 'utf8'));
    const version = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'benchmarks/ts-client/package.json'), 'utf8'),
    ).dependencies['@modelcontextprotocol/sdk'];
    assert.equal(written.client, `typescript-sdk ${version}`);

    // Every field of the Java harness's committed JSON is here, named alike, plus the client's.
    const java = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'benchmarks/baseline/roundtrip-results.json'), 'utf8'),
    );
    assert.deepEqual(
      keys(written).filter((k) => !['client', 'node'].includes(k)),
      keys(java),
    );
    for (const id of ['none', 'trace-off']) {
      const ours = written.results.find((r) => r.configuration === id);
      const theirs = java.results.find((r) => r.configuration === id);
      // Intervals start at 6 rounds: with 2, neither side writes them.
      const withoutIntervals = keys(theirs).filter((k) => !k.endsWith('_interval'));
      assert.deepEqual(keys(ours), withoutIntervals, id);
      assert.equal(ours.p50_us.samples.length, 2);
      assert.ok(ours.p50_us.median > 0);
      assert.ok(ours.p99_us.median >= ours.p50_us.median);
      assert.ok(ours.server_cpu_us_per_call.median > 0);
      assert.deepEqual(ours.warmup_calls_taken, [warmup, warmup]);
      assert.equal(ours.tool_answered_with_error, false);
    }
    assert.equal(written.calls, calls);
    assert.equal(written.blocks, 3);
    const traceOff = written.results.find((r) => r.configuration === 'trace-off');
    assert.equal(typeof traceOff.added_p50_us, 'number');
    assert.deepEqual(traceOff.agent_calls_counted, [warmup + calls, warmup + calls]);

    // The agent's own final metrics line, in each run's folder, counted every call made.
    const [work] = readdirSync(dir).filter((n) => n.startsWith('comfyagent-roundtrip-ts-'));
    for (const round of [0, 1]) {
      const agent = path.join(dir, work, `run-${round}-trace-off`, 'agent');
      const metrics = readdirSync(agent).find(
        (n) => n.startsWith('metrics') && n.endsWith('.jsonl'),
      );
      const lines = readFileSync(path.join(agent, metrics), 'utf8').trim().split('\n');
      const last = JSON.parse(lines.at(-1));
      assert.equal(last.type, 'final');
      assert.equal(last.total.tools.list_sessions.calls, warmup + calls, `round ${round}`);
      assert.equal(last.total.tools.list_sessions.err, 0);
    }
  },
);

test(
  'a tool the server does not have fails the run naming the configuration',
  { skip: skipWithoutJars, timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roundtrip-ts-run-'));

    const result = await run(oneCallOfNone(dir, '--tool', 'no_such_tool'));

    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^roundtrip: none: MCP error -32602: Unknown tool/m);
  },
);

test(
  'a server that dies fails the run with the end of its stderr',
  { skip: process.platform === 'win32' && 'a shell script stands for java' },
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roundtrip-ts-run-'));
    const runtimeJar = path.join(dir, 'runtime-all.jar');
    writeFileSync(runtimeJar, 'never read: the stand-in java exits first');
    const java = path.join(dir, 'java');
    writeFileSync(
      java,
      '#!/bin/sh\necho "starting" >&2\necho "Error: the server broke here" >&2\nexit 1\n',
    );
    chmodSync(java, 0o755);

    const result = await run(oneCallOfNone(dir, '--java', java, '--runtime-jar', runtimeJar));

    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /^roundtrip: none: .*the server's stderr ends: \n {2}starting\n {2}Error: the server broke here$/ms,
    );
  },
);
