/**
 * A third-party MCP server for the SDK release matrix: Spring AI's stdio MCP server written as its
 * documentation shows it, run under the packaged agent by the it-tests.
 *
 * <p>May import: Spring AI and Spring Boot.
 *
 * <p>Entry point:
 *
 * <pre>{@code
 * java -jar spring-ai-stdio-server.jar   (stdio; the it-tests drive it)
 * }</pre>
 */
package dev.comfyagent.it.springai;
