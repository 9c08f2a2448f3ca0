package dev.comfyagent.it.springai;

import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * Spring AI's stdio MCP server as its documentation shows it: a {@code @Tool} bean handed to the
 * starter through a {@code ToolCallbackProvider}; everything else is the starter's. Run by
 * SdkReleaseMatrixIT with and without the agent.
 */
@SpringBootApplication
public class MatrixSpringAiServer {

  public static void main(String[] args) {
    SpringApplication.run(MatrixSpringAiServer.class, args);
  }

  @Bean
  ToolCallbackProvider matrixTools(MatrixTools tools) {
    return MethodToolCallbackProvider.builder().toolObjects(tools).build();
  }

  /** The known mix: an answer, a thrown exception, and a tool calling a timed method. */
  @Service
  public static class MatrixTools {

    @Tool(description = "Echoes the text")
    public String echo(String text) {
      return "echo: " + text;
    }

    @Tool(description = "Always fails")
    public String explode() {
      throw new IllegalStateException("kaboom");
    }

    @Tool(description = "Renders a prompt")
    public String render(String prompt) {
      return Renderer.render(prompt);
    }
  }

  /** Timed with tools=dev.comfyagent.it.springai.Renderer#render: a call inside a tool call. */
  public static final class Renderer {
    private Renderer() {}

    public static String render(String prompt) {
      return "rendered " + prompt;
    }
  }
}
