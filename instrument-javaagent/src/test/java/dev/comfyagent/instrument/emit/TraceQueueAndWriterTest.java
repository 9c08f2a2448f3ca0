package dev.comfyagent.instrument.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.TraceEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceQueueAndWriterTest {

  @TempDir Path dir;

  @Test
  void aFullQueueDropsAndCountsWithoutBlocking() {
    TraceQueue queue = new TraceQueue(3);
    for (int i = 0; i < 10; i++) {
      queue.offer(event("t" + i, i));
    }
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.dropped()).isEqualTo(7);
    assertThat(queue.poll().toolName()).isEqualTo("t0");
    assertThat(queue.offer(event("again", 1))).isTrue();
    assertThat(queue.capacity()).isEqualTo(3);
    assertThatThrownBy(() -> new TraceQueue(0)).hasMessageContaining("at least 1");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 5, 8, 12})
  void callsComeOutInOrderAndNoneIsLostWhileTheRingWrapsManyTimes(int capacity) {
    TraceQueue queue = new TraceQueue(capacity);
    int next = 0;
    for (int round = 0; round < 50; round++) {
      int batch = 1 + round % capacity;
      for (int i = 0; i < batch; i++) {
        assertThat(queue.offer(event("t" + (next + i), 1))).isTrue();
      }
      for (int i = 0; i < batch; i++) {
        assertThat(queue.poll().toolName()).isEqualTo("t" + next++);
      }
      assertThat(queue.poll()).isNull();
    }
    assertThat(queue.dropped()).isZero();
  }

  @Test
  void aQueueOfOneHoldsOneCall() {
    TraceQueue queue = new TraceQueue(1);

    assertThat(queue.offer(event("first", 1))).isTrue();
    assertThat(queue.offer(event("second", 2))).isFalse();

    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(queue.poll().toolName()).isEqualTo("first");
  }

  @Test
  void nothingIsReadBeforeItIsPublishedNorTwiceAfterTheRingWraps() {
    TraceQueue queue = new TraceQueue(2);
    assertThat(queue.poll()).isNull();

    for (int i = 0; i < 5; i++) {
      queue.offer(event("t" + i, i));
      assertThat(queue.poll().toolName()).isEqualTo("t" + i);
      assertThat(queue.poll()).isNull();
    }
    assertThat(queue.size()).isZero();
  }

  @Test
  void drainReadsAtMostMaxInOrderAndCountsThem() {
    TraceQueue queue = new TraceQueue(8);
    for (int i = 0; i < 3; i++) {
      queue.offer(event("t" + i, i));
    }
    List<String> read = new java.util.ArrayList<>();

    assertThat(queue.drain(slot -> read.add(slot.toolName), 2)).isEqualTo(2);
    assertThat(queue.drain(slot -> read.add(slot.toolName), 10)).isEqualTo(1);
    assertThat(queue.drain(slot -> read.add(slot.toolName), 10)).isZero();
    assertThat(read).containsExactly("t0", "t1", "t2");
  }

  @Test
  void aReadSlotKeepsNoReferenceToTheCallsObjects() throws IllegalAccessException {
    TraceQueue queue = new TraceQueue(4);
    Object rpcId = new Object();
    String correlationId = new String("c");
    queue.offer(
        new TraceEvent(
            0, correlationId, "tool", 1, false, "s", 1, 0, "boom", true, "session", rpcId, "tp"));
    TraceSlot[] read = new TraceSlot[1];

    queue.drain(slot -> read[0] = slot, 1);

    TraceSlot slot = read[0];
    assertThat(slot.correlationId).isNull();
    assertThat(slot.toolName).isNull();
    assertThat(slot.errorType).isNull();
    assertThat(slot.sessionId).isNull();
    assertThat(slot.jsonRpcId).isNull();
    assertThat(slot.traceparent).isNull();
    // Nor does any field added later: none holds any of the event's objects.
    for (Field field : TraceSlot.class.getDeclaredFields()) {
      if (!field.getType().isPrimitive() && !Modifier.isStatic(field.getModifiers())) {
        Object held = field.get(slot);
        assertThat(held).as(field.getName()).isNotSameAs(rpcId).isNotSameAs(correlationId);
      }
    }
  }

  @Test
  void theConsumerIsWokenWhenAQuarterOfTheQueueWaits() {
    // The waiting consumer is this thread: a wake-up leaves it a permit, so that parking returns
    // at once; without one, parking would last the full ten seconds.
    TraceQueue queue = new TraceQueue(8);
    queue.consumer(Thread.currentThread());
    for (int round = 0; round < 2; round++) {
      queue.offer(event("a", 1));
      queue.offer(event("b", 2));
      long start = System.nanoTime();
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000_000L);
      assertThat(System.nanoTime() - start).as("round %d", round).isLessThan(5_000_000_000L);
      queue.drain(slot -> {}, 8);
    }
  }

  @Test
  void theConsumerIsWokenAfterEveryQuarterOfTheQueuesCallsHoweverFewWait() {
    // The wake-up goes by the call's number (a branch the JIT compiles as one), not by how many
    // calls wait: here one at a time, never a quarter of the 8 slots.
    java.util.concurrent.locks.LockSupport.parkNanos(1); // a permit left by an earlier test
    TraceQueue queue = new TraceQueue(8);
    queue.consumer(Thread.currentThread());
    queue.offer(event("a", 1));
    queue.drain(slot -> {}, 8);
    queue.offer(event("b", 2));
    queue.drain(slot -> {}, 8);

    long start = System.nanoTime();
    java.util.concurrent.locks.LockSupport.parkNanos(3_000_000_000L);
    assertThat(System.nanoTime() - start)
        .as("park after the second call")
        .isLessThan(1_500_000_000L);
  }

  @Test
  void writerTurnsEventsIntoOneJsonLineEachWithTheDocumentedFields() throws Exception {
    TraceQueue queue = new TraceQueue(100);
    Path file = dir.resolve("traces.jsonl");
    TraceWriter writer =
        new TraceWriter(queue, new JsonLinesFile(file, 0, 0), new AgentHealth(false));
    writer.start();
    queue.offer(
        new TraceEvent(
            1_764_000_000_123L,
            "abc",
            "load_workflow",
            12_345_678,
            false,
            "path=/w.json",
            3,
            1,
            "tool_error",
            true,
            "session-1",
            7));
    queue.offer(event("plain", 1));
    writer.stop(5000);
    assertThat(writer.written()).isEqualTo(2);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("ts").asText()).isEqualTo("2025-11-24T16:00:00.123Z");
    assertThat(line.path("correlation_id").asText()).isEqualTo("abc");
    assertThat(line.path("tool_name").asText()).isEqualTo("load_workflow");
    assertThat(line.path("duration_ms").decimalValue()).isEqualByComparingTo("12.345");
    assertThat(line.path("success").asBoolean()).isFalse();
    assertThat(line.path("input_summary").asText()).isEqualTo("path=/w.json");
    assertThat(line.path("seq").asInt()).isEqualTo(3);
    assertThat(line.path("parent").asInt()).isEqualTo(1);
    assertThat(line.path("error.type").asText()).isEqualTo("tool_error");
    assertThat(line.path("mcp.method.name").asText()).isEqualTo("tools/call");
    assertThat(line.path("gen_ai.tool.name").asText()).isEqualTo("load_workflow");
    assertThat(line.path("gen_ai.operation.name").asText()).isEqualTo("execute_tool");
    assertThat(line.path("mcp.session.id").asText()).isEqualTo("session-1");
    assertThat(line.path("jsonrpc.request.id").asInt()).isEqualTo(7);

    JsonNode plain = new ObjectMapper().readTree(lines.get(1));
    assertThat(plain.path("parent").isNull()).isTrue();
    assertThat(plain.path("error.type").isNull()).isTrue();
    assertThat(plain.has("mcp.method.name")).isFalse();
    assertThat(plain.has("jsonrpc.request.id")).isFalse();
  }

  @Test
  void linesThatCannotBeWrittenAreCountedAsDropped() throws Exception {
    TraceQueue queue = new TraceQueue(10);
    JsonLinesFile file = new JsonLinesFile(dir.resolve("t.jsonl"), 0, 0);
    file.close();
    Files.delete(dir.resolve("t.jsonl"));
    Files.createDirectory(dir.resolve("t.jsonl"));
    AgentHealth health = new AgentHealth(false);
    TraceWriter writer = new TraceWriter(queue, file, health);
    queue.offer(event("lost", 1));
    writer.drainOnce();
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(health.internalErrors()).isEqualTo(1);
  }

  private static TraceEvent event(String tool, int seq) {
    return new TraceEvent(0, "c", tool, 1000, true, null, seq, 0, null, false, null, null);
  }
}
