import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, ConfigurationResult, resultJson, table } from '../lib/report.mjs';
import { CONFIGURATIONS } from '../lib/settings.mjs';

/** Results of `rounds` rounds: no agent at p50 400 us, the agent at 400 + added[round]. */
function results(added) {
  const none = new ConfigurationResult(CONFIGURATIONS.none);
  const agent = new ConfigurationResult(CONFIGURATIONS['trace-off']);
  added.forEach((a, round) => {
    none.samples.push({ round, p50Us: 400, serverCpuUsPerCall: 60, procRead: true });
    agent.samples.push({
      round,
      p50Us: 400 + a,
      serverCpuUsPerCall: 61,
      procRead: true,
      agentCalls: 10,
    });
  });
  return [none, agent];
}

test('a check is met when the median added p50 is at most the goal, and missed above it', () => {
  // Added 4, 8, 12 us of 400: the median 8 us is 2%.
  assert.deepEqual(check(results([12, 4, 8]), 2), {
    lines: ['Check: trace-off adds +8.0 us (+2.0%) at p50, goal at most +2%: met'],
    missed: false,
  });
  assert.deepEqual(check(results([12, 4, 8]), 1.5), {
    lines: ['Check: trace-off adds +8.0 us (+2.0%) at p50, goal at most +1.5%: MISSED'],
    missed: true,
  });
});

test('from 6 rounds the check line and the JSON give the interval of what an agent adds', () => {
  const six = results([1, 2, 3, 4, 5, 6]);

  assert.equal(
    check(six, 2).lines[0],
    'Check: trace-off adds +3.5 us (+0.9%) at p50 [+1.0, +6.0], goal at most +2%: met',
  );
  const settings = {
    tool: 'list_sessions',
    arguments: {},
    rounds: 6,
    warmupCalls: 1,
    warmupMaxCalls: 1,
    calls: 10,
    blocks: 8,
    java: 'java',
    runtimeJar: '/x/agent-runtime-all.jar',
    agentJar: '/x/agent.jar',
    agentOptions: '',
  };
  const json = resultJson(settings, six, 'typescript-sdk 1.0.0').results[1];
  assert.deepEqual(json.added_p50_us_interval, { low: 1, high: 6, confidence: 0.969 });
  assert.deepEqual(json.added_p50_percent_interval, [0.3, 1.5]);
  assert.equal(json.added_server_cpu_us_per_call, 1);
  assert.deepEqual(json.agent_calls_counted, Array(6).fill(10));
});

test('where /proc could not be read, the JSON and the table say the warm-up was a fixed count', () => {
  const noProc = results([1, 2]);
  noProc[1].samples[0].procRead = false;
  const settings = {
    tool: 'list_sessions',
    arguments: {},
    rounds: 2,
    warmupCalls: 300,
    warmupMaxCalls: 100000,
    calls: 10,
    blocks: 8,
    java: 'java',
    runtimeJar: '/x/r.jar',
    agentJar: '/x/a.jar',
    agentOptions: '',
  };

  assert.match(resultJson(settings, noProc, 'c').warmup, /^fixed: warmup_calls \(no \/proc/);
  assert.match(table(settings, noProc, 'c'), /Warm-up was a fixed count: no \/proc/);
  assert.match(
    resultJson(settings, results([1, 2]), 'c').warmup,
    /^at least warmup_calls, then blocks of 2000/,
  );
  assert.doesNotMatch(table(settings, results([1, 2]), 'c'), /fixed count/);
});
