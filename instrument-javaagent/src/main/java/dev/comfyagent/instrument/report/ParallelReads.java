package dev.comfyagent.instrument.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the report reader's independent reads (one trace file, one slice of latency intervals) on a
 * few daemon threads and hands back their results in the order given, so that they are added up in
 * the same order whatever thread finished first.
 */
final class ParallelReads {

  /** The threads that read trace files and decode latency logs. */
  static final int THREADS = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

  private ParallelReads() {}

  /** Runs the tasks on the reader's threads; a task's failure is rethrown here. */
  static <T> List<T> runAll(List<Callable<T>> tasks) throws IOException {
    if (tasks.size() <= 1 || THREADS == 1) {
      List<T> results = new ArrayList<>();
      for (Callable<T> task : tasks) {
        results.add(call(task));
      }
      return results;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(THREADS, tasks.size()),
            task -> {
              Thread thread = new Thread(task, "report-reader");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<T> results = new ArrayList<>();
      for (Future<T> future : pool.invokeAll(tasks)) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          }
          throw new IllegalStateException(cause);
        }
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T call(Callable<T> task) throws IOException {
    try {
      return task.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
