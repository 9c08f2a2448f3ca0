# syntax=docker/dockerfile:1
#
# comfy-agent: the ComfyUI MCP server (agent-runtime) with the instrument-javaagent attached.
# See docs/containers.md. Build: docker build -t comfy-agent .
#
# The server speaks MCP over stdio, so run it with stdin attached and no TTY:
#   docker run --rm -i -e COMFYUI_HOST=host.docker.internal comfy-agent

# ---------------------------------------------------------------------------------------------
# Build: the Maven wrapper on a JDK 17 image.
# ---------------------------------------------------------------------------------------------
# Base images pinned by digest (Dependabot proposes new ones): a rebuild starts from the same bytes.
FROM eclipse-temurin:17-jdk-noble@sha256:e213bb3f008362fcab6ab1fdf182e2170ef633ffa8543d8fd2f29e99f768aa60 AS build
WORKDIR /src

# Dependency layer: only the wrapper and the poms, so it is rebuilt only when a pom changes.
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY config/ config/
COPY agent-runtime/pom.xml agent-runtime/
COPY instrument-javaagent/pom.xml instrument-javaagent/
COPY comfyui-simulator/pom.xml comfyui-simulator/
COPY demo/pom.xml demo/
COPY benchmarks/pom.xml benchmarks/
COPY it-tests/pom.xml it-tests/
RUN chmod +x mvnw \
 && ./mvnw -B -ntp -q dependency:go-offline -pl agent-runtime,instrument-javaagent -am

# Sources, then the two executable jars (the runtime's is the "-all" one, libraries inside).
# Tests, formatting and static analysis are CI's job, not the image's.
COPY . .
RUN ./mvnw -B -ntp -pl agent-runtime,instrument-javaagent -am package \
      -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true -Dspotbugs.skip=true \
      -Dcyclonedx.skip=true \
 && runtime="$(find agent-runtime/target -maxdepth 1 -name 'agent-runtime-*-all.jar')" \
 && agent="$(find instrument-javaagent/target -maxdepth 1 -name 'instrument-javaagent-*.jar' \
               ! -name '*-sources.jar' ! -name '*-javadoc.jar')" \
 && for jar in "$runtime" "$agent"; do \
      [ "$(printf '%s\n' "$jar" | wc -l)" -eq 1 ] && [ -f "$jar" ] \
        || { echo "expected one executable jar, found: $jar" >&2; exit 1; }; \
    done \
 && mkdir -p /out \
 && cp "$runtime" /out/agent-runtime.jar \
 && cp "$agent" /out/instrument-javaagent.jar

# ---------------------------------------------------------------------------------------------
# Run: a JRE image, a non-root user, the agent attached through JAVA_TOOL_OPTIONS.
# ---------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre-noble@sha256:f7537fa73fa7c5bc4e51ea11a611c1d0d8bbf4e9f22de93b666072de98e752e2

LABEL org.opencontainers.image.title="comfy-agent" \
      org.opencontainers.image.description="ComfyUI MCP server with the instrument-javaagent attached" \
      org.opencontainers.image.source="https://github.com/comfy-agent/comfy-agent" \
      org.opencontainers.image.licenses="Apache-2.0"

# curl serves the health check; the Temurin images ship it, this only guards against a base
# image that does not.
RUN command -v curl > /dev/null \
 || { apt-get update \
      && apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*; }

RUN groupadd --system --gid 10001 comfyagent \
 && useradd --system --uid 10001 --gid comfyagent --home-dir /app --shell /usr/sbin/nologin comfyagent \
 && mkdir -p /app/sessions /app/logs /app/workflows \
 && chown comfyagent:comfyagent /app/sessions /app/logs /app/workflows

WORKDIR /app
COPY --from=build /out/agent-runtime.jar /out/instrument-javaagent.jar /app/

# The runtime's settings (see the README); COMFYUI_HOST names the ComfyUI service of compose.
# JAVA_TOOL_OPTIONS attaches the agent to every JVM in the container; the JVM announces it with
# one "Picked up JAVA_TOOL_OPTIONS" line on stderr, never on stdout (the MCP channel).
ENV COMFYUI_HOST=comfyui \
    COMFYUI_PORT=8188 \
    SESSIONS_DIR=/app/sessions \
    LOG_DIR=/app/logs \
    WORKFLOWS_DIR=/app/workflows \
    JAVA_TOOL_OPTIONS="-javaagent:/app/instrument-javaagent.jar=output.dir=/app/logs"

VOLUME ["/app/sessions", "/app/logs"]
USER comfyagent

# Healthy = ComfyUI answers /system_stats and the sessions directory takes a write. (The runtime
# is a stdio process with no port of its own to probe.)
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD curl -fsS --max-time 5 -o /dev/null "http://${COMFYUI_HOST}:${COMFYUI_PORT}/system_stats" \
   && probe="${SESSIONS_DIR}/.healthcheck-$$" && touch "$probe" && rm -f "$probe" \
   || exit 1

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/agent-runtime.jar"]
CMD ["serve"]
