// One server process under one configuration, driven by the official TypeScript MCP client:
// start(), warmUp() until its JIT is quiet, measure() one or more blocks of calls (other
// servers' blocks may come between), then finish() for its sample. The same steps, rules and
// figures as the Java harness's ServerRun.

import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { percentile } from './stats.mjs';
import { jvmArgs, REPO_ROOT } from './settings.mjs';
import { jitShare, peakRssKib, processCpuNanos, readThreadCpu } from './proc.mjs';

/**
 * Warm-up goes on, after the minimum, in blocks of this many calls until the JIT compiler threads
 * took at most JIT_QUIET_SHARE of the server's CPU over QUIET_BLOCKS blocks in a row. One quiet
 * block is not enough: code that runs on a timer (an agent's writer thread) reaches the
 * compiler's thresholds seconds later than the code every call runs.
 */
export const WARMUP_BLOCK_CALLS = 2000;
export const JIT_QUIET_SHARE = 0.02;
export const QUIET_BLOCKS = 2;

/** A run could not be completed; the message names the configuration and why. Exit status 1. */
export class RunFailedError extends Error {}

/**
 * Calls `warmupCalls` times, then, where the server's threads can be read, blocks of
 * WARMUP_BLOCK_CALLS until its JIT was quiet over QUIET_BLOCKS blocks in a row or
 * `warmupMaxCalls` calls were made. Where they cannot be read (`readCpu` answers null), the
 * warm-up is the fixed `warmupCalls`.
 *
 * @param {(index: number) => Promise<void>} call makes one call
 * @param {() => ({totalNanos: number, jitNanos: number} | null)} readCpu the server's threads
 * @returns {Promise<{calls: number, jitQuiet: boolean, procRead: boolean}>}
 */
export async function warmUpUntilJitQuiet(call, readCpu, warmupCalls, warmupMaxCalls) {
  let calls = 0;
  for (; calls < warmupCalls; calls++) {
    await call(calls);
  }
  let quietBlocks = 0;
  let before = readCpu();
  if (before === null) {
    return { calls, jitQuiet: false, procRead: false };
  }
  while (calls < warmupMaxCalls && quietBlocks < QUIET_BLOCKS) {
    const block = Math.min(WARMUP_BLOCK_CALLS, warmupMaxCalls - calls);
    for (let i = 0; i < block; i++) {
      await call(calls++);
    }
    const after = readCpu();
    if (after === null) {
      return { calls, jitQuiet: false, procRead: false };
    }
    quietBlocks = jitShare(before, after) <= JIT_QUIET_SHARE ? quietBlocks + 1 : 0;
    before = after;
  }
  return { calls, jitQuiet: quietBlocks >= QUIET_BLOCKS, procRead: true };
}

/** The last lines a server wrote to stderr, for the message of a failed run. */
class StderrTail {
  static KEPT = 200;
  static SHOWN = 15;

  constructor() {
    this.lines = [];
    this.partial = '';
  }

  add(chunk) {
    const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = parts.pop();
    this.lines.push(...parts);
    if (this.lines.length > StderrTail.KEPT) {
      this.lines.splice(0, this.lines.length - StderrTail.KEPT);
    }
  }

  tail() {
    const all = this.partial === '' ? this.lines : [...this.lines, this.partial];
    const shown = all.slice(-StderrTail.SHOWN);
    return shown.length === 0 ? '(nothing)' : `\n  ${shown.join('\n  ')}`;
  }
}

/**
 * The server's CPU per measured call in microseconds: from its threads' on-CPU nanoseconds
 * (schedstat) where Linux gives them, else from the process's clock ticks (`tickNanos`, 10 ms each:
 * 1.25 µs a call over 8,000 calls, too coarse for what an agent adds), else NaN.
 */
export function serverCpuUsPerCall(threadNanos, tickNanos, calls) {
  if (threadNanos > 0) {
    return threadNanos / 1e3 / calls;
  }
  return tickNanos >= 0 ? tickNanos / 1e3 / calls : Number.NaN;
}

export class ServerRun {
  /**
   * Starts the server (`java <configuration's agent> -jar <runtime> serve`) and initializes the
   * MCP session.
   */
  static async start(settings, configuration, runDir) {
    mkdirSync(runDir, { recursive: true });
    const run = new ServerRun(settings, configuration, runDir);
    await run.#connect();
    return run;
  }

  #settings;
  #runDir;
  #client;
  #transport;
  #stderr = new StderrTail();
  #nanos;
  #measured = 0;
  #measuredWallNanos = 0n;
  #serverCpuNanos = 0;
  #clientCpuMicros = 0;
  #threadCpuNanos = 0;
  #jitNanos = 0;
  #cpuKnown = true;
  #expectedError = null;
  #exit = null;
  #closed = false;

  constructor(settings, configuration, runDir) {
    this.#settings = settings;
    this.configuration = configuration;
    this.#runDir = runDir;
    this.#nanos = new Float64Array(settings.calls);
    this.sample = {};
    this.request = { name: settings.tool, arguments: settings.arguments };
  }

  get pid() {
    return this.#transport.pid;
  }

  async #connect() {
    const s = this.#settings;
    this.#transport = new StdioClientTransport({
      command: s.java,
      args: [...jvmArgs(this.configuration, this.#runDir, s), '-jar', s.runtimeJar, 'serve'],
      // The SDK's default environment (HOME, PATH, ...) plus where the runtime writes.
      env: {
        LOG_DIR: path.join(this.#runDir, 'logs'),
        SESSIONS_DIR: path.join(this.#runDir, 'sessions'),
      },
      cwd: REPO_ROOT,
      // Piped and read to the end: a server that fills the pipe would stall on its next log line.
      stderr: 'pipe',
    });
    this.#transport.stderr.on('data', (chunk) => this.#stderr.add(chunk));
    this.#client = new Client({ name: 'roundtrip-benchmark-ts', version: '1.0.0' });
    this.#client.onclose = () => {
      if (!this.#closed) {
        this.#exit = 'the server closed the connection';
      }
    };
    try {
      await this.#client.connect(this.#transport, { timeout: 120_000 });
    } catch (e) {
      const failure = await this.#failure(e);
      // A server that started but never answered must not outlive the run.
      await this.close().catch(() => {});
      throw failure;
    }
  }

  /** Calls the tool until the server is warm (see warmUpUntilJitQuiet). */
  async warmUp() {
    try {
      const warm = await warmUpUntilJitQuiet(
        (index) => this.#call(index),
        () => readThreadCpu(this.pid),
        this.#settings.warmupCalls,
        this.#settings.warmupMaxCalls,
      );
      this.sample.warmupCalls = warm.calls;
      this.sample.jitQuietAtStart = warm.jitQuiet;
      this.sample.procRead = warm.procRead;
    } catch (e) {
      throw await this.#failure(e);
    }
  }

  /** Times `count` more calls (at most the measured calls left). */
  async measure(count) {
    try {
      const end = Math.min(this.#nanos.length, this.#measured + count);
      if (this.#measured === 0) {
        this.sample.loadAverage = os.loadavg()[0];
      }
      const threadsBefore = readThreadCpu(this.pid);
      const clientCpuBefore = process.cpuUsage();
      const serverCpuBefore = processCpuNanos(this.pid);
      const start = process.hrtime.bigint();
      for (let i = this.#measured; i < end; i++) {
        const callStart = process.hrtime.bigint();
        const result = await this.#client.callTool(this.request);
        this.#nanos[i] = Number(process.hrtime.bigint() - callStart);
        this.#checkAnswer(i, result);
      }
      this.#measuredWallNanos += process.hrtime.bigint() - start;
      const serverCpuAfter = processCpuNanos(this.pid);
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const threadsAfter = readThreadCpu(this.pid);
      if (serverCpuBefore < 0 || serverCpuAfter < 0) {
        this.#cpuKnown = false;
      }
      this.#serverCpuNanos += serverCpuAfter - serverCpuBefore;
      this.#clientCpuMicros += clientCpu.user + clientCpu.system;
      if (threadsBefore !== null && threadsAfter !== null) {
        this.#threadCpuNanos += threadsAfter.totalNanos - threadsBefore.totalNanos;
        this.#jitNanos += threadsAfter.jitNanos - threadsBefore.jitNanos;
      }
      this.#measured = end;
    } catch (e) {
      throw await this.#failure(e);
    }
  }

  /** Ends the server and returns its figures, once this agent's files say it observed the run. */
  async finish(round) {
    const sample = this.sample;
    const measured = this.#measured;
    sample.round = round;
    const rss = peakRssKib(this.pid);
    sample.peakRssMib = rss < 0 ? Number.NaN : rss / 1024;
    const sorted = this.#nanos.slice(0, measured).sort();
    sample.p50Us = percentile(sorted, 0.5) / 1e3;
    sample.p90Us = percentile(sorted, 0.9) / 1e3;
    sample.p99Us = percentile(sorted, 0.99) / 1e3;
    sample.meanUs = sorted.reduce((a, b) => a + b, 0) / measured / 1e3;
    sample.callsPerSecond = measured / (Number(this.#measuredWallNanos) / 1e9);
    sample.serverCpuUsPerCall = serverCpuUsPerCall(
      this.#threadCpuNanos,
      this.#cpuKnown ? this.#serverCpuNanos : -1,
      measured,
    );
    sample.clientCpuUsPerCall = this.#clientCpuMicros / measured;
    sample.jitCpuShare =
      this.#threadCpuNanos > 0 ? this.#jitNanos / this.#threadCpuNanos : Number.NaN;
    await this.close();
    if (this.configuration.thisAgent) {
      sample.agentCalls = await checkObserved(
        this.configuration,
        path.join(this.#runDir, 'agent'),
        this.#settings,
      );
    }
    return sample;
  }

  /** Closes the session: the SDK ends stdin, then SIGTERM (and SIGKILL) a server that stays. */
  async close() {
    if (!this.#closed) {
      this.#closed = true;
      await this.#client.close();
    }
  }

  async #call(index) {
    this.#checkAnswer(index, await this.#client.callTool(this.request));
  }

  #checkAnswer(index, result) {
    const error = result.isError === true;
    if (this.#expectedError === null) {
      this.#expectedError = error;
      this.sample.toolAnswersWithError = error;
    } else if (error !== this.#expectedError) {
      throw new RunFailedError(
        `${this.configuration.id}: call ${index} answered differently: ${JSON.stringify(result)}`,
      );
    }
  }

  async #failure(e) {
    if (e instanceof RunFailedError) {
      return e;
    }
    // The server's last lines may still be in the pipe when the error arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const why = this.#exit ? `${e.message} (${this.#exit})` : e.message;
    return new RunFailedError(
      `${this.configuration.id}: ${why}; the server's stderr ends: ${this.#stderr.tail()}`,
    );
  }
}

/**
 * Checks that this project's agent observed the run: its final metrics line counts at least the
 * measured calls of the tool, and trace lines exist exactly when tracing is on.
 *
 * @returns {Promise<number>} the calls the agent counted
 * @throws {RunFailedError} when it did not observe them
 */
export async function checkObserved(configuration, agentDir, settings, waitMillis = 10_000) {
  let metrics = null;
  // The server exits asynchronously after the client closes: wait for its final line.
  for (const deadline = Date.now() + waitMillis; ; ) {
    metrics = newest(agentDir, 'metrics');
    if (
      (metrics !== null && readFileSync(metrics, 'utf8').includes('"type":"final"')) ||
      Date.now() >= deadline
    ) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (metrics === null) {
    throw new RunFailedError(`${configuration.id}: the agent wrote no metrics file in ${agentDir}`);
  }
  const lines = readFileSync(metrics, 'utf8').trimEnd().split('\n');
  let calls = 0;
  try {
    calls = JSON.parse(lines[lines.length - 1])?.total?.tools?.[settings.tool]?.calls ?? 0;
  } catch {
    calls = 0;
  }
  if (!(calls >= settings.calls)) {
    throw new RunFailedError(
      `${configuration.id}: the agent counted ${calls} calls of ${settings.tool}, fewer than the` +
        ` ${settings.calls} measured: it did not observe them`,
    );
  }
  const traces = newest(agentDir, 'traces');
  const traced = traces !== null && statSync(traces).size > 0;
  if (traced !== (configuration.id === 'trace-on')) {
    throw new RunFailedError(
      `${configuration.id}: trace lines ${traced ? 'written' : 'missing'} in ${agentDir}`,
    );
  }
  return calls;
}

/** The newest `<prefix>*.jsonl` file in `dir`, or null. */
function newest(dir, prefix) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  let best = null;
  let bestTime = -Infinity;
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.jsonl')) {
      const file = path.join(dir, name);
      const time = statSync(file).mtimeMs;
      if (time > bestTime) {
        best = file;
        bestTime = time;
      }
    }
  }
  return best;
}
