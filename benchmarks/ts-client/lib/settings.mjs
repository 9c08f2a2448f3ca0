// The options of a round-trip run, parsed from its command line: rounds and calls, the
// configurations and the jars they start. Mirrors the Java harness's RoundTripSettings where an
// option makes sense for a client that is not a JVM.

import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this client lives in (benchmarks/ts-client/lib -> the root). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** An option or a file the run needs is wrong; the message names it. Exit status 2. */
export class UsageError extends Error {}

/** The ways a server is started, as the Java harness's RoundTripConfiguration names them. */
export const CONFIGURATIONS = {
  none: { id: 'none', label: 'no agent', thisAgent: false },
  'trace-off': { id: 'trace-off', label: 'instrument-javaagent, trace=off', thisAgent: true },
  'trace-on': { id: 'trace-on', label: 'instrument-javaagent, trace=on', thisAgent: true },
  otel: { id: 'otel', label: 'OpenTelemetry Java agent', thisAgent: false },
};

export const VALUED_OPTIONS = [
  '--rounds',
  '--warmup-calls',
  '--warmup-max-calls',
  '--calls',
  '--blocks',
  '--only',
  '--tool',
  '--arguments',
  '--agent-jar',
  '--agent-options',
  '--otel-jar',
  '--otel-methods',
  '--runtime-jar',
  '--java',
  '--json',
  '--check',
];

export const USAGE = `usage: node roundtrip.mjs [options]
  Times whole MCP tool calls through stdio with the official TypeScript MCP client
  (@modelcontextprotocol/sdk: Client + StdioClientTransport) against the packaged runtime,
  with no agent, this agent (trace off, trace on) and OpenTelemetry; warm until the server's
  JIT is quiet, configurations interleaved in ABBA turns, medians of rounds; p50/p90/p99 per
  call and the server's CPU per call. Run from anywhere; default paths are the repository's.
  --rounds N            rounds; each starts every configuration's server afresh (6: the fewest
                        that bound the median with 95%)
  --warmup-calls N      calls before measuring, at least, per server (3000)
  --warmup-max-calls N  then more until the server's JIT is quiet, at most (100000; the same as
                        --warmup-calls: a fixed warm-up)
  --calls N             measured calls per server (8000)
  --blocks N            turns the measured calls are split into, configurations alternating (8)
  --only LIST           none,trace-off,trace-on,otel (none,trace-off,trace-on; otel when its
                        jar is there)
  --tool NAME           the tool called (list_sessions)
  --arguments JSON      its arguments ({})
  --runtime-jar PATH    agent-runtime/target/agent-runtime-*-all.jar
  --agent-jar PATH      instrument-javaagent/target/instrument-javaagent-*.jar
  --agent-options S     more options for this agent (key=value,...)
  --otel-jar PATH       benchmarks/target/agents/opentelemetry-javaagent.jar
  --otel-methods S      what OpenTelemetry instruments
                        (dev.comfyagent.runtime.session.ListSessionsTool[call])
  --java PATH           the java that runs the server ($JAVA_HOME/bin/java, else java on PATH)
  --json FILE           benchmarks/target/roundtrip-ts-results.json
  --check PERCENT       after the table, a "Check:" line per agent configuration: is what it
                        adds at p50 (median of the rounds' differences) at most PERCENT of no
                        agent's p50; exit 3 when one is not
  --help                this text
Exit status: 0 done, 1 a run failed, 2 a bad option or a missing jar, 3 a --check goal missed.
`;

/**
 * Parses the command line.
 *
 * @param {string[]} args the options
 * @param {{env?: object, warn?: (line: string) => void}} [context] the environment (JAVA_HOME,
 *     PATH) and where a skipped configuration is reported
 * @throws {UsageError} naming the bad option or the missing file
 */
export function parseSettings(args, context = {}) {
  const env = context.env ?? process.env;
  const warn = context.warn ?? ((line) => process.stderr.write(`${line}\n`));
  const s = {
    rounds: 6,
    warmupCalls: 3000,
    warmupMaxCalls: 100_000,
    calls: 8000,
    blocks: 8,
    tool: 'list_sessions',
    arguments: {},
    agentOptions: '',
    otelMethods: 'dev.comfyagent.runtime.session.ListSessionsTool[call]',
    configurations: [],
  };
  let only = null;
  let warmupMaxCalls = null;
  const given = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!VALUED_OPTIONS.includes(a)) {
      throw new UsageError(`unknown option ${a}; valid: ${VALUED_OPTIONS.join(', ')}, --help`);
    }
    if (i + 1 >= args.length) {
      throw new UsageError(`${a} needs a value`);
    }
    const value = args[++i];
    switch (a) {
      case '--rounds':
        s.rounds = positive(a, value);
        break;
      case '--warmup-calls':
        s.warmupCalls = positive(a, value);
        break;
      case '--warmup-max-calls':
        warmupMaxCalls = positive(a, value);
        break;
      case '--calls':
        s.calls = positive(a, value);
        break;
      case '--blocks':
        s.blocks = positive(a, value);
        break;
      case '--only':
        only = value.split(',').map((id) => id.trim());
        break;
      case '--tool':
        if (value.trim() === '') {
          throw new UsageError('--tool needs a tool name');
        }
        s.tool = value;
        break;
      case '--arguments':
        s.arguments = jsonObject(value);
        break;
      case '--agent-options':
        s.agentOptions = value;
        break;
      case '--otel-methods':
        s.otelMethods = value;
        break;
      case '--check':
        s.checkPercent = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : Number.NaN;
        if (!(s.checkPercent > 0)) {
          throw new UsageError(`--check needs a positive percentage, got ${value}`);
        }
        break;
      default:
        given[a] = value;
    }
  }
  if (warmupMaxCalls !== null && warmupMaxCalls < s.warmupCalls) {
    throw new UsageError(
      `--warmup-max-calls ${warmupMaxCalls} is fewer than --warmup-calls ${s.warmupCalls}`,
    );
  }
  s.warmupMaxCalls = warmupMaxCalls ?? Math.max(s.warmupCalls, 100_000);

  const ids = only ?? ['none', 'trace-off', 'trace-on', 'otel'];
  for (const id of ids) {
    const c = CONFIGURATIONS[id];
    if (!c) {
      throw new UsageError(`--only takes none, trace-off, trace-on, otel; got ${id}`);
    }
    if (s.configurations.includes(c)) {
      throw new UsageError(`--only names ${id} twice`);
    }
    s.configurations.push(c);
  }

  if (s.checkPercent !== undefined && !s.configurations.includes(CONFIGURATIONS.none)) {
    throw new UsageError('--check compares with no agent: keep none in --only');
  }

  s.runtimeJar = jar(
    given['--runtime-jar'],
    '--runtime-jar',
    'agent-runtime/target',
    'agent-runtime-*-all.jar',
    /^agent-runtime-.+-all\.jar$/,
    'the packaged runtime: run ./mvnw -DskipTests package, or pass --runtime-jar',
  );
  if (s.configurations.some((c) => c.thisAgent)) {
    s.agentJar = jar(
      given['--agent-jar'],
      '--agent-jar',
      'instrument-javaagent/target',
      'instrument-javaagent-*.jar',
      /^instrument-javaagent-.+(?<!-sources|-javadoc|-tests)\.jar$/,
      'the agent: run ./mvnw -DskipTests package, pass --agent-jar, or leave trace-off and' +
        ' trace-on out of --only',
    );
  }
  if (s.configurations.includes(CONFIGURATIONS.otel)) {
    const explicit = given['--otel-jar'];
    const otel = path.resolve(
      explicit ?? path.join(REPO_ROOT, 'benchmarks/target/agents/opentelemetry-javaagent.jar'),
    );
    if (isFile(otel)) {
      s.otelJar = otel;
    } else if (explicit !== undefined) {
      throw new UsageError(`--otel-jar ${explicit} is not a file`);
    } else if (only !== null) {
      throw new UsageError(
        `no ${display(otel)} for otel (./mvnw -pl benchmarks -am package copies it there, or` +
          ' pass --otel-jar)',
      );
    } else {
      warn(`roundtrip: skipping OpenTelemetry: no ${display(otel)} (pass --otel-jar to add it)`);
      s.configurations = s.configurations.filter((c) => c !== CONFIGURATIONS.otel);
    }
  }

  s.java = javaCommand(given['--java'], env);
  s.json = path.resolve(
    given['--json'] ?? path.join(REPO_ROOT, 'benchmarks/target/roundtrip-ts-results.json'),
  );
  return s;
}

/**
 * The server's JVM arguments before the runtime's `-jar ... serve`, for one configuration;
 * `runDir` is where this agent writes its files.
 */
export function jvmArgs(configuration, runDir, settings) {
  switch (configuration.id) {
    case 'trace-off':
    case 'trace-on': {
      // A metrics line an hour: only the final one, at exit, is written during a run.
      let options =
        `trace=${configuration.id === 'trace-on' ? 'on' : 'off'},strict=true,` +
        `metrics.interval=3600s,output.dir=${path.resolve(runDir, 'agent')}`;
      if (settings.agentOptions.trim() !== '') {
        options += `,${settings.agentOptions}`;
      }
      return [`-javaagent:${settings.agentJar}=${options}`];
    }
    case 'otel':
      return [
        `-javaagent:${settings.otelJar}`,
        `-Dotel.instrumentation.methods.include=${settings.otelMethods}`,
        '-Dotel.traces.exporter=none',
        '-Dotel.metrics.exporter=none',
        '-Dotel.logs.exporter=none',
      ];
    default:
      return [];
  }
}

/** A path as short as it can be said: relative to the repository when inside it. */
export function display(file) {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function positive(option, value) {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > 2 ** 31 - 1) {
    throw new UsageError(`${option} needs a positive number, got ${value}`);
  }
  return n;
}

function jsonObject(value) {
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--arguments needs a JSON object, got ${value}`);
  }
  return parsed;
}

/**
 * The jar an option names (it must be a file), or else the newest file in `dir` (under the
 * repository) whose name matches.
 */
function jar(explicit, option, dir, glob, pattern, hint) {
  if (explicit !== undefined) {
    const file = path.resolve(explicit);
    if (!isFile(file)) {
      throw new UsageError(`${option} ${explicit} is not a file`);
    }
    return file;
  }
  const folder = path.join(REPO_ROOT, dir);
  let newest = null;
  let newestTime = -Infinity;
  let names = [];
  try {
    names = readdirSync(folder);
  } catch {
    // no folder: no jar
  }
  for (const name of names) {
    const file = path.join(folder, name);
    if (pattern.test(name) && isFile(file) && statSync(file).mtimeMs > newestTime) {
      newest = file;
      newestTime = statSync(file).mtimeMs;
    }
  }
  if (newest === null) {
    throw new UsageError(`no ${dir}/${glob} (${hint})`);
  }
  return newest;
}

/** The java to launch: --java, $JAVA_HOME/bin/java, or the first java on PATH. */
function javaCommand(explicit, env) {
  if (explicit !== undefined) {
    if (!isExecutable(explicit) && !(!explicit.includes(path.sep) && onPath(explicit, env))) {
      throw new UsageError(`--java ${explicit} is not an executable file`);
    }
    return explicit;
  }
  if (env.JAVA_HOME) {
    const java = path.join(
      env.JAVA_HOME,
      'bin',
      process.platform === 'win32' ? 'java.exe' : 'java',
    );
    if (isExecutable(java)) {
      return java;
    }
  }
  const found = onPath('java', env);
  if (!found) {
    throw new UsageError(
      'no java: JAVA_HOME/bin/java is missing and no java is on PATH (pass --java)',
    );
  }
  return found;
}

function onPath(command, env) {
  const names = process.platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (dir !== '' && isExecutable(file)) {
        return file;
      }
    }
  }
  return null;
}

function isFile(file) {
  return existsSync(file) && statSync(file).isFile();
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return isFile(file);
  } catch {
    return false;
  }
}
