#!/usr/bin/env node
// What an agent adds to a whole MCP tool call as a client sees it, timed through the official
// TypeScript MCP client (@modelcontextprotocol/sdk: Client over StdioClientTransport) against
// the packaged runtime: no agent, this project's agent with tracing off and on, OpenTelemetry's.
//
// The Java harness (dev.comfyagent.benchmarks.roundtrip.RoundTripBenchmark) measures the same
// with the MCP Java SDK's client; this one gives the figure a client in another language feels,
// by the same rules: a fresh server per configuration and round, warm once HotSpot's compiler
// threads are quiet, configurations interleaved in ABBA turns, medians over rounds, and what an
// agent adds as the median of per-round differences with its distribution-free interval.
//
// Usage, from the repository root after ./mvnw -DskipTests package and npm ci in this folder:
//   node benchmarks/ts-client/roundtrip.mjs --rounds 6 --only none,trace-off,trace-on
// Options: node benchmarks/ts-client/roundtrip.mjs --help

import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  check,
  ConfigurationResult,
  resultJson,
  sdkVersion,
  table,
  writeJson,
} from './lib/report.mjs';
import { RunFailedError, ServerRun } from './lib/server-run.mjs';
import { parseSettings, USAGE, UsageError } from './lib/settings.mjs';
import { blockSizes } from './lib/stats.mjs';

/**
 * Runs the benchmark.
 *
 * @returns {Promise<number>} 0 when every run completed, 1 when one failed, 2 for bad options,
 *     3 when a --check goal was missed
 */
export async function main(args, out = process.stdout, err = process.stderr) {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(USAGE);
    return 0;
  }
  let settings;
  try {
    settings = parseSettings(args, { warn: (line) => err.write(`${line}\n`) });
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`roundtrip: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const client = `typescript-sdk ${sdkVersion()}`;
  try {
    mkdirSync(path.dirname(settings.json), { recursive: true });
    const workDir = mkdtempSync(path.join(path.dirname(settings.json), 'comfyagent-roundtrip-ts-'));
    const results = settings.configurations.map((c) => new ConfigurationResult(c));
    for (let round = 0; round < settings.rounds; round++) {
      await runRound(settings, results, round, workDir, err);
    }
    out.write(table(settings, results, client));
    writeJson(settings.json, resultJson(settings, results, client));
    out.write(`JSON: ${settings.json}\n`);
    if (settings.checkPercent !== undefined) {
      const checked = check(results, settings.checkPercent);
      out.write(`${checked.lines.join('\n')}\n`);
      return checked.missed ? 3 : 0;
    }
    return 0;
  } catch (e) {
    err.write(`roundtrip: ${e instanceof RunFailedError ? e.message : (e.stack ?? e)}\n`);
    return 1;
  }
}

/**
 * One round: every configuration's server started and warmed up, then their measured calls in
 * --blocks turns, the configurations' order reversed every turn and every other round.
 */
async function runRound(settings, results, round, workDir, err) {
  const order = round % 2 === 0 ? [...results] : [...results].reverse();
  const servers = [];
  try {
    for (const r of order) {
      const runDir = path.join(workDir, `run-${round}-${r.configuration.id}`);
      servers.push(await ServerRun.start(settings, r.configuration, runDir));
    }
    for (const server of servers) {
      await server.warmUp();
    }
    const turn = [...servers];
    for (const block of blockSizes(settings.calls, settings.blocks)) {
      for (const server of turn) {
        await server.measure(block);
      }
      turn.reverse();
    }
    for (let i = 0; i < servers.length; i++) {
      const s = await servers[i].finish(round);
      order[i].samples.push(s);
      err.write(
        `${order[i].configuration.id} round ${round + 1}: p50 ${s.p50Us.toFixed(1)} us,` +
          ` p99 ${s.p99Us.toFixed(1)} us, mean ${s.meanUs.toFixed(1)} us, server CPU` +
          ` ${s.serverCpuUsPerCall.toFixed(1)} us/call (JIT ${(100 * s.jitCpuShare).toFixed(1)}%),` +
          ` warm after ${s.warmupCalls} calls` +
          `${s.procRead ? (s.jitQuietAtStart ? '' : ' (JIT not quiet)') : ' (fixed: no /proc)'},` +
          ` load ${s.loadAverage.toFixed(2)}\n`,
      );
    }
  } finally {
    await Promise.allSettled(servers.map((server) => server.close()));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
