package dev.comfyagent.runtime.execute;

import dev.comfyagent.runtime.tool.ToolContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ToolContext} that records the progress notifications a tool sends. */
final class RecordingContext implements ToolContext {

  record Notification(double progress, Double total, String message, String thread) {}

  private final String connectionId;
  private final boolean progressRequested;
  final List<Notification> notifications = new CopyOnWriteArrayList<>();

  RecordingContext(String connectionId, boolean progressRequested) {
    this.connectionId = connectionId;
    this.progressRequested = progressRequested;
  }

  @Override
  public String correlationId() {
    return "test";
  }

  @Override
  public String connectionId() {
    return connectionId;
  }

  @Override
  public boolean progressRequested() {
    return progressRequested;
  }

  @Override
  public void progress(double progress, Double total, String message) {
    notifications.add(new Notification(progress, total, message, Thread.currentThread().getName()));
  }
}
