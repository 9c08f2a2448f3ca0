import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isJitCompiler, jitShare, onCpuNanos, procAvailable, readThreadCpu } from '../lib/proc.mjs';
import { CONFIGURATIONS } from '../lib/settings.mjs';
import {
  checkObserved,
  QUIET_BLOCKS,
  RunFailedError,
  serverCpuUsPerCall,
  WARMUP_BLOCK_CALLS,
  warmUpUntilJitQuiet,
} from '../lib/server-run.mjs';

/** A server whose JIT takes `shares[i]` of the CPU in the i-th block after the minimum. */
function serverWithJitShares(shares) {
  let calls = 0;
  let readings = 0;
  let total = 0;
  let jit = 0;
  return {
    call: async () => {
      calls++;
    },
    readCpu: () => {
      if (readings > 0) {
        const share = shares[Math.min(readings - 1, shares.length - 1)];
        total += 1_000_000;
        jit += share * 1_000_000;
      }
      readings++;
      return { totalNanos: total, jitNanos: jit };
    },
    calls: () => calls,
  };
}

test('warm-up goes on past the minimum until the JIT was quiet over two blocks in a row', async () => {
  // Busy, quiet, busy again, then quiet twice: the one quiet block between does not count.
  const server = serverWithJitShares([0.5, 0.01, 0.3, 0.02, 0.0]);

  const warm = await warmUpUntilJitQuiet(server.call, server.readCpu, 100, 100_000);

  assert.equal(QUIET_BLOCKS, 2);
  assert.deepEqual(warm, { calls: 100 + 5 * WARMUP_BLOCK_CALLS, jitQuiet: true, procRead: true });
  assert.equal(server.calls(), warm.calls);
});

test('warm-up stops at its ceiling and says the JIT was not quiet', async () => {
  const server = serverWithJitShares([0.5]);

  const warm = await warmUpUntilJitQuiet(server.call, server.readCpu, 100, 5000);

  assert.deepEqual(warm, { calls: 5000, jitQuiet: false, procRead: true });
});

test('where the threads cannot be read the warm-up is the fixed minimum', async () => {
  let calls = 0;

  const warm = await warmUpUntilJitQuiet(
    async () => calls++,
    () => null,
    300,
    100_000,
  );

  assert.deepEqual(warm, { calls: 300, jitQuiet: false, procRead: false });
  assert.equal(calls, 300);
});

test('the time on a CPU is the first field of schedstat', () => {
  assert.equal(onCpuNanos('74722 60241 2\n'), 74722);
  assert.equal(onCpuNanos('123'), 123);
});

test("HotSpot's compiler threads are the JIT as the kernel shortens their names", () => {
  assert.ok(isJitCompiler('C2 CompilerThre'));
  assert.ok(isJitCompiler('C1 CompilerThre'));
  assert.ok(!isJitCompiler('boundedElastic-'));
  assert.ok(!isJitCompiler('main'));
  assert.equal(
    jitShare({ totalNanos: 1000, jitNanos: 400 }, { totalNanos: 3000, jitNanos: 600 }),
    0.1,
  );
  assert.equal(jitShare({ totalNanos: 5, jitNanos: 0 }, { totalNanos: 5, jitNanos: 0 }), 0);
});

test(
  "reads this process's threads on Linux",
  { skip: !procAvailable() && 'no /proc (not Linux)' },
  () => {
    const first = readThreadCpu(process.pid);
    const cpuBefore = process.cpuUsage();
    // 20 ms on a CPU, as the kernel counts it (wall time would be less on a busy machine).
    for (let used = 0; used < 20_000; ) {
      const spent = process.cpuUsage(cpuBefore);
      used = spent.user + spent.system;
    }

    const after = readThreadCpu(process.pid);

    assert.ok(
      after.totalNanos - first.totalNanos >= 15_000_000,
      `${after.totalNanos - first.totalNanos} ns`,
    );
    assert.equal(readThreadCpu(2 ** 31), null);
  },
);

function agentDir(metricsLine, traces) {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'roundtrip-ts-agent-')), 'agent');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'metrics.jsonl'), `{"type":"interval"}\n${metricsLine}\n`);
  if (traces !== undefined) {
    writeFileSync(path.join(dir, 'traces.jsonl'), traces);
  }
  return dir;
}

const finalLine = (calls) =>
  JSON.stringify({ type: 'final', total: { tools: { list_sessions: { calls } } } });
const settings = { tool: 'list_sessions', calls: 100 };

test('an agent run is refused when the agent counted fewer calls than were measured', async () => {
  const dir = agentDir(finalLine(40));

  await assert.rejects(checkObserved(CONFIGURATIONS['trace-off'], dir, settings, 0), (e) => {
    assert.ok(e instanceof RunFailedError);
    assert.match(
      e.message,
      /^trace-off: the agent counted 40 calls of list_sessions, fewer than the 100 measured/,
    );
    return true;
  });
});

test('an untraced run that wrote trace lines is refused, a traced one that wrote them is not', async () => {
  const dir = agentDir(finalLine(100), '{}\n');

  await assert.rejects(
    checkObserved(CONFIGURATIONS['trace-off'], dir, settings, 0),
    /trace-off: trace lines written/,
  );
  assert.equal(await checkObserved(CONFIGURATIONS['trace-on'], dir, settings, 0), 100);
});

test('a traced run without trace lines, and a run without metrics, are refused', async () => {
  await assert.rejects(
    checkObserved(CONFIGURATIONS['trace-on'], agentDir(finalLine(100)), settings, 0),
    /trace-on: trace lines missing/,
  );
  await assert.rejects(
    checkObserved(
      CONFIGURATIONS['trace-on'],
      path.join(os.tmpdir(), 'no-such-agent-dir'),
      settings,
      0,
    ),
    /trace-on: the agent wrote no metrics file/,
  );
});

test('the server CPU per call comes from its threads\' nanoseconds, the clock ticks only without them', () => {
  // 8,000 calls: 0.6 s on the threads is 75 µs a call; the ticks would say 80 (8 ticks of 10 ms).
  assert.equal(serverCpuUsPerCall(600_000_000, 640_000_000, 8000), 75);
  assert.equal(serverCpuUsPerCall(0, 640_000_000, 8000), 80);
  assert.ok(Number.isNaN(serverCpuUsPerCall(0, -1, 8000)));
});
