// The table and the JSON file of a round-trip run: per configuration the medians over rounds,
// and what an agent adds as the median of its per-round differences to no agent with that
// median's distribution-free interval. Field names are the Java harness's (RoundTripResult).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { jvmArgs, display } from './settings.mjs';
import { JIT_QUIET_SHARE, QUIET_BLOCKS, WARMUP_BLOCK_CALLS } from './server-run.mjs';
import { median, medianInterval, pairedDifferences, round1 } from './stats.mjs';

/** The SDK's version as installed (package-lock.json pins it). */
export function sdkVersion() {
  const require = createRequire(import.meta.url);
  // The SDK's exports do not include its package.json: walk up from its client's file.
  let dir = path.dirname(require.resolve('@modelcontextprotocol/sdk/client/index.js'));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === '@modelcontextprotocol/sdk') {
        return pkg.version;
      }
    } catch {
      // not here: go up
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return 'unknown';
    }
    dir = parent;
  }
}

/** One configuration's samples, one per round. */
export class ConfigurationResult {
  constructor(configuration) {
    this.configuration = configuration;
    this.samples = [];
  }

  median(figure) {
    return median(this.samples.map(figure));
  }

  /** The median over rounds of this configuration's figure minus `base`'s in the same round. */
  pairedDifference(base, figure) {
    return median(pairedDifferences(this.samples, base.samples, figure));
  }

  /** The distribution-free interval of pairedDifference; null below 6 rounds. */
  pairedInterval(base, figure) {
    return medianInterval(pairedDifferences(this.samples, base.samples, figure));
  }

  summary(figure) {
    return {
      median: round1(this.median(figure)),
      samples: this.samples.map((s) => round1(figure(s))),
    };
  }
}

function warmupDescription(settings, procRead) {
  return procRead
    ? `at least warmup_calls, then blocks of ${WARMUP_BLOCK_CALLS} calls until the JIT compiler` +
        ` threads took <= ${Math.round(100 * JIT_QUIET_SHARE)}% of the server's CPU over` +
        ` ${QUIET_BLOCKS} blocks in a row, at most warmup_max_calls`
    : 'fixed: warmup_calls (no /proc to read the server threads from, so the JIT could not be' +
        ' watched)';
}

/** The JSON document of a run. */
export function resultJson(settings, results, client) {
  const none = results.find((r) => r.configuration.id === 'none');
  const procRead = results.every((r) => r.samples.every((s) => s.procRead));
  const intervalJson = (i) => ({
    low: round1(i[0]),
    high: round1(i[1]),
    confidence: Math.round(i[2] * 1000) / 1000,
  });
  return {
    schema: 2,
    client,
    node: process.version,
    tool: settings.tool,
    arguments: settings.arguments,
    rounds: settings.rounds,
    warmup_calls: settings.warmupCalls,
    warmup_max_calls: settings.warmupMaxCalls,
    warmup: warmupDescription(settings, procRead),
    calls: settings.calls,
    blocks: Math.min(settings.blocks, settings.calls),
    java: settings.java,
    subject: ['-jar', display(settings.runtimeJar), 'serve'],
    logical_cpus: os.availableParallelism?.() ?? os.cpus().length,
    results: results.map((r) => {
      const m = {
        configuration: r.configuration.id,
        label: r.configuration.label,
        jvm_args: jvmArgs(r.configuration, '<run-dir>', settings),
        p50_us: r.summary((s) => s.p50Us),
        p90_us: r.summary((s) => s.p90Us),
        p99_us: r.summary((s) => s.p99Us),
        mean_us: r.summary((s) => s.meanUs),
        server_cpu_us_per_call: r.summary((s) => s.serverCpuUsPerCall),
        client_cpu_us_per_call: r.summary((s) => s.clientCpuUsPerCall),
        calls_per_second: r.summary((s) => s.callsPerSecond),
        peak_rss_mib: r.summary((s) => s.peakRssMib),
        load_average: r.summary((s) => s.loadAverage),
        warmup_calls_taken: r.samples.map((s) => s.warmupCalls),
        jit_quiet_at_start: r.samples.map((s) => s.jitQuietAtStart),
        jit_cpu_percent_measured: r.summary((s) => 100 * s.jitCpuShare),
        tool_answered_with_error: r.samples.some((s) => s.toolAnswersWithError),
      };
      if (r.configuration.thisAgent) {
        m.agent_calls_counted = r.samples.map((s) => s.agentCalls);
      }
      if (none && r !== none) {
        const noneP50 = none.median((s) => s.p50Us);
        m.added_p50_us = round1(r.pairedDifference(none, (s) => s.p50Us));
        const interval = r.pairedInterval(none, (s) => s.p50Us);
        if (interval) {
          m.added_p50_us_interval = intervalJson(interval);
          m.added_p50_percent_interval = [
            round1((100 * interval[0]) / noneP50),
            round1((100 * interval[1]) / noneP50),
          ];
        }
        m.added_p99_us = round1(r.pairedDifference(none, (s) => s.p99Us));
        m.added_mean_us = round1(r.pairedDifference(none, (s) => s.meanUs));
        m.added_server_cpu_us_per_call = round1(
          r.pairedDifference(none, (s) => s.serverCpuUsPerCall),
        );
        const cpuInterval = r.pairedInterval(none, (s) => s.serverCpuUsPerCall);
        if (cpuInterval) {
          m.added_server_cpu_us_per_call_interval = intervalJson(cpuInterval);
        }
      }
      return m;
    }),
  };
}

/** Writes the JSON document, the folder made if missing. */
export function writeJson(file, document) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const signed = (value) =>
  Number.isFinite(value) ? (value >= 0 ? '+' : '') + value.toFixed(1) : 'n/a';

/** The human-readable table, as the Java harness prints it. */
export function table(settings, results, client) {
  const none = results.find((r) => r.configuration.id === 'none');
  const lines = [
    '',
    `Whole ${settings.tool} calls through stdio (${client} client), ${settings.calls} measured` +
      ` per server after at least ${settings.warmupCalls} warm-up calls (until the JIT was quiet,` +
      ` at most ${settings.warmupMaxCalls}), in ${Math.min(settings.blocks, settings.calls)}` +
      ` turns; median of ${settings.rounds} rounds in ABBA order`,
    [
      'configuration'.padEnd(34),
      'p50 us'.padStart(9),
      'p90 us'.padStart(9),
      'p99 us'.padStart(9),
      'mean us'.padStart(9),
      'added p50'.padStart(30),
      'added mean'.padStart(12),
      'server CPU/call'.padStart(30),
      'JIT'.padStart(6),
    ].join(' '),
  ];
  for (const r of results) {
    let addedP50 = '';
    let addedMean = '';
    let addedCpu = '';
    if (none && r !== none) {
      const p50 = r.pairedDifference(none, (s) => s.p50Us);
      const interval = r.pairedInterval(none, (s) => s.p50Us);
      addedP50 =
        `${signed(p50)} (${signed((100 * p50) / none.median((s) => s.p50Us))}%)` +
        (interval ? ` [${signed(interval[0])}, ${signed(interval[1])}]` : '');
      addedMean = signed(r.pairedDifference(none, (s) => s.meanUs));
      const cpuInterval = r.pairedInterval(none, (s) => s.serverCpuUsPerCall);
      addedCpu =
        ` (${signed(r.pairedDifference(none, (s) => s.serverCpuUsPerCall))}` +
        (cpuInterval ? ` [${signed(cpuInterval[0])}, ${signed(cpuInterval[1])}])` : ')');
    }
    lines.push(
      [
        r.configuration.label.padEnd(34),
        fixed(r.median((s) => s.p50Us)).padStart(9),
        fixed(r.median((s) => s.p90Us)).padStart(9),
        fixed(r.median((s) => s.p99Us)).padStart(9),
        fixed(r.median((s) => s.meanUs)).padStart(9),
        addedP50.padStart(30),
        addedMean.padStart(12),
        `${fixed(r.median((s) => s.serverCpuUsPerCall)).padStart(8)} us${addedCpu}`.padEnd(30),
        `${fixed(100 * r.median((s) => s.jitCpuShare))}%`.padStart(6),
      ].join(' '),
    );
  }
  const loads = results.flatMap((r) => r.samples.map((s) => s.loadAverage));
  lines.push(
    `Load average (1 min) at the runs' start: median ${fixed(median(loads), 2)},` +
      ` max ${fixed(Math.max(...loads), 2)}`,
    '[low, high]: the interval that holds the median of what an agent adds with the confidence in' +
      " the JSON (about 95%; distribution-free, from 6 rounds); JIT: the compiler threads' share" +
      " of the server's CPU while measured",
  );
  if (!results.every((r) => r.samples.every((s) => s.procRead))) {
    lines.push(
      'Warm-up was a fixed count: no /proc to read the server threads from (not Linux), so the' +
        " JIT's end could not be watched",
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One "Check:" line per configuration other than no agent: is the median of what it adds at p50
 * at most `goalPercent` of no agent's p50.
 *
 * @returns {{lines: string[], missed: boolean}}
 */
export function check(results, goalPercent) {
  const none = results.find((r) => r.configuration.id === 'none');
  const lines = [];
  let missed = false;
  for (const r of results) {
    if (r === none) {
      continue;
    }
    const added = r.pairedDifference(none, (s) => s.p50Us);
    const percent = (100 * added) / none.median((s) => s.p50Us);
    const interval = r.pairedInterval(none, (s) => s.p50Us);
    const met = percent <= goalPercent;
    missed ||= !met;
    lines.push(
      `Check: ${r.configuration.id} adds ${signed(added)} us (${signed(percent)}%) at p50` +
        (interval ? ` [${signed(interval[0])}, ${signed(interval[1])}]` : '') +
        `, goal at most +${goalPercent}%: ${met ? 'met' : 'MISSED'}`,
    );
  }
  return { lines, missed };
}
