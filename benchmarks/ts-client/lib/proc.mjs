// What a server process has used, read from Linux's /proc: per-thread CPU time and the JIT
// compiler threads' part of it (as the Java harness's ThreadCpu reads them), the process's CPU
// time and its peak resident memory. Every reader answers null where /proc cannot tell (not Linux,
// or the process is gone), and the caller says what it did instead.

import { readdirSync, readFileSync, existsSync } from 'node:fs';

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Whether this machine has a /proc that shows threads (Linux). */
export function procAvailable() {
  return existsSync('/proc/self/task');
}

/** The first field of a schedstat line: nanoseconds spent on a CPU. */
export function onCpuNanos(schedstat) {
  const line = schedstat.trim();
  const space = line.indexOf(' ');
  return Number(space < 0 ? line : line.slice(0, space));
}

/**
 * Whether a thread of this name compiles for HotSpot's JIT: "C1 CompilerThread0" and
 * "C2 CompilerThread0", as the kernel shortens names to 15 characters.
 */
export function isJitCompiler(threadName) {
  return threadName.startsWith('C1 CompilerThre') || threadName.startsWith('C2 CompilerThre');
}

/**
 * CPU time of the process's live threads and of its JIT compiler threads, in ns, from
 * /proc/<pid>/task/<tid>/schedstat and comm; null where they cannot be read.
 *
 * @returns {{totalNanos: number, jitNanos: number} | null}
 */
export function readThreadCpu(pid) {
  let threads;
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let totalNanos = 0;
  let jitNanos = 0;
  for (const tid of threads) {
    let nanos;
    let name;
    try {
      nanos = onCpuNanos(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'));
      name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue; // the thread ended while it was read
    }
    if (!Number.isFinite(nanos)) {
      continue;
    }
    totalNanos += nanos;
    if (isJitCompiler(name)) {
      jitNanos += nanos;
    }
  }
  return { totalNanos, jitNanos };
}

/** The JIT's part of the CPU time used between two readings, 0 to 1; 0 when none was used. */
export function jitShare(before, after) {
  const total = after.totalNanos - before.totalNanos;
  const jit = after.jitNanos - before.jitNanos;
  return total <= 0 ? 0 : Math.max(0, jit) / total;
}

/** The process's user + system CPU time in ns, from /proc/<pid>/stat; -1 when unknown. */
export function processCpuNanos(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'ascii');
    // Fields after the command, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * (1e9 / CLOCK_TICKS_PER_SECOND) : -1;
  } catch {
    return -1;
  }
}

/** The process's peak resident memory (VmHWM) in KiB; -1 when unknown. */
export function peakRssKib(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/[^0-9]/g, '')) : -1;
  } catch {
    return -1;
  }
}
