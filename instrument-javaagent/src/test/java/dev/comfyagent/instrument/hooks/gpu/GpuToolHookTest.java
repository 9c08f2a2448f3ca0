package dev.comfyagent.instrument.hooks.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfyagent.instrument.host.RecordCopy;
import dev.comfyagent.instrument.record.AgentHealth;
import dev.comfyagent.instrument.record.ToolCallView;
import dev.comfyagent.instrument.record.ToolCallView.Layer;
import dev.comfyagent.runtime.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU hook on the real result types of the runtime ({@code ToolResult}) and of the SDK ({@code
 * CallToolResult}), with a sampler reading a fake source.
 */
class GpuToolHookTest {

  private static final long MIB = 1024L * 1024L;
  private static final String RENDERED = "Rendered in 4.2s\nprompt_id p1: 1 output file";

  private final AgentHealth health = new AgentHealth(false);
  private final AtomicInteger reads = new AtomicInteger();
  private GpuSampler sampler;

  @AfterEach
  void stop() {
    if (sampler != null) {
      sampler.close();
    }
  }

  private GpuToolHook hook(boolean failing) {
    GpuSource source =
        new GpuSource() {
          @Override
          public String name() {
            return GpuSource.NVIDIA_SMI;
          }

          @Override
          public GpuSample read() {
            reads.incrementAndGet();
            if (failing) {
              return new GpuSample(
                  Instant.now(),
                  name(),
                  List.of(),
                  List.of(new GpuFault(GpuFaultKind.EXIT_STATUS, "nvidia-smi exited with 9")));
            }
            return new GpuSample(
                Instant.now(),
                name(),
                List.of(new GpuDeviceReading(0, "RTX 4090", 98, 12697 * MIB, 24564 * MIB)),
                List.of());
          }
        };
    GpuSettings settings =
        GpuSettings.defaults()
            .withTiming(Duration.ofMillis(50), Duration.ofHours(1), Duration.ofSeconds(2));
    sampler = GpuSampler.start(settings, source, notice -> {});
    return new GpuToolHook(sampler, health);
  }

  @Test
  void theRuntimesToolResultGetsTheFiguresAfterItsRenderTimeAndKeepsEverythingElse() {
    GpuToolHook hook = hook(false);
    ObjectNode structured = JsonNodeFactory.instance.objectNode().put("prompt_id", "p1");
    ToolResult result = ToolResult.of(RENDERED, structured);

    hook.started(view("execute_workflow", Layer.TOOL, false));
    Object returned = hook.finished(view("execute_workflow", Layer.TOOL, false), result, null);

    assertThat(returned).isInstanceOf(ToolResult.class);
    ToolResult rewritten = (ToolResult) returned;
    assertThat(rewritten.text())
        .isEqualTo("Rendered in 4.2s (GPU: 98%, VRAM: 12.4/24GB)\nprompt_id p1: 1 output file");
    assertThat(rewritten.structuredContent()).isSameAs(structured);
    assertThat(rewritten.isError()).isFalse();
    assertThat(health.internalErrors()).isZero();
  }

  @Test
  void aCallThroughTheSdkAdapterAndTheRuntimeToolIsRewrittenOnceAtTheInnerResult() {
    GpuToolHook hook = hook(false);
    hook.started(view("execute_workflow", Layer.SDK, false));
    hook.started(view("execute_workflow", Layer.TOOL, true));
    ToolResult inner =
        (ToolResult)
            hook.finished(
                view("execute_workflow", Layer.TOOL, true), ToolResult.text(RENDERED), null);
    McpSchema.CallToolResult sdk =
        McpSchema.CallToolResult.builder().addTextContent(inner.text()).isError(false).build();
    Object outer = hook.finished(view("execute_workflow", Layer.SDK, false), sdk, null);

    assertThat(outer).isSameAs(sdk);
    assertThat(inner.text()).startsWith("Rendered in 4.2s (GPU: 98%, VRAM: 12.4/24GB)\n");
    assertThat(sampler.stats().openWindows()).isZero();
  }

  @Test
  void anSdkResultOfAnotherServerGetsTheFiguresInItsFirstTextContent() {
    GpuToolHook hook = hook(false);
    Map<String, Object> meta = Map.of("correlation_id", "c1");
    McpSchema.CallToolResult sdk =
        McpSchema.CallToolResult.builder()
            .content(
                List.of(
                    new McpSchema.ImageContent(null, "aGk=", "image/png", null),
                    new McpSchema.TextContent(null, RENDERED, null),
                    new McpSchema.TextContent(null, "Rendered in 1s", null)))
            .structuredContent(Map.of("seconds", 4.2))
            .meta(meta)
            .isError(false)
            .build();

    hook.started(view("execute_workflow", Layer.SDK, false));
    McpSchema.CallToolResult rewritten =
        (McpSchema.CallToolResult)
            hook.finished(view("execute_workflow", Layer.SDK, false), sdk, null);

    assertThat(rewritten.content().get(0)).isSameAs(sdk.content().get(0));
    assertThat(((McpSchema.TextContent) rewritten.content().get(1)).text())
        .startsWith("Rendered in 4.2s (GPU: 98%, VRAM: 12.4/24GB)");
    assertThat(rewritten.content().get(2)).isSameAs(sdk.content().get(2));
    assertThat(rewritten.structuredContent()).isSameAs(sdk.structuredContent());
    assertThat(rewritten.meta()).isSameAs(meta);
    assertThat(rewritten.isError()).isFalse();
  }

  @Test
  void noSampleInTheWindowReadsNotAvailable() {
    GpuToolHook hook = hook(true);
    hook.started(view("execute_workflow", Layer.TOOL, false));
    ToolResult result =
        (ToolResult)
            hook.finished(
                view("execute_workflow", Layer.TOOL, false), ToolResult.text(RENDERED), null);
    assertThat(result.text()).startsWith("Rendered in 4.2s (GPU: n/a)\n");
  }

  @Test
  void otherToolsErrorsAndThrownCallsAreLeftAlone() {
    GpuToolHook hook = hook(false);
    ToolResult other = ToolResult.text(RENDERED);
    hook.started(view("load_workflow", Layer.TOOL, false));
    assertThat(hook.finished(view("load_workflow", Layer.TOOL, false), other, null))
        .isSameAs(other);

    ToolResult failed = ToolResult.error("ComfyUI failed to render prompt_id p1");
    hook.started(view("execute_workflow", Layer.TOOL, false));
    assertThat(hook.finished(view("execute_workflow", Layer.TOOL, false), failed, null))
        .isSameAs(failed);

    hook.started(view("execute_workflow", Layer.TOOL, false));
    assertThat(
            hook.finished(
                view("execute_workflow", Layer.TOOL, false), null, new IllegalStateException()))
        .isNull();
    assertThat(sampler.stats().openWindows()).isZero();
  }

  @Test
  void theAsynchronousHandlerOnlyAssemblesTheCallSoItOpensNoWindow() {
    GpuToolHook hook = hook(false);
    hook.started(view("execute_workflow", Layer.SDK_ASYNC, false));
    assertThat(sampler.stats().openWindows()).isZero();
    Object mono = new Object();
    assertThat(hook.finished(view("execute_workflow", Layer.SDK_ASYNC, false), mono, null))
        .isSameAs(mono);
  }

  @Test
  void aResultTypeTheHookDoesNotKnowIsReturnedAsItIs() throws Throwable {
    GpuReading reading = GpuReading.none("nvidia-smi");
    String text = RENDERED;
    assertThat(GpuResultRewriter.rewrite(text, reading)).isSameAs(text);
    assertThat(GpuResultRewriter.rewrite(null, reading)).isNull();
    ToolResult result = ToolResult.text(RENDERED);
    assertThat(GpuResultRewriter.rewrite(result, GpuReading.disabled())).isSameAs(result);
    assertThat(RecordCopy.forType(String.class)).isEmpty();
  }

  private static ToolCallView view(String tool, Layer layer, boolean joined) {
    return new ToolCallView() {
      @Override
      public String toolName() {
        return tool;
      }

      @Override
      public Layer layer() {
        return layer;
      }

      @Override
      public boolean joined() {
        return joined;
      }

      @Override
      public long startNanos() {
        return 0;
      }

      @Override
      public String correlationId() {
        return null;
      }
    };
  }
}
