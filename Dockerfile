# syntax=docker/dockerfile:1.7
# Reliable message service image: build with the Maven wrapper on JDK 25, unpack the Spring Boot
# jar, train a JDK 25 AOT cache on the runtime image, run on a distroless JRE as a non-root user
# (no shell, no package manager).
#   docker build -t <registry>/reliable-message-service:<version> .
# Optional, for a TLS-intercepting proxy or a Maven mirror (docs/deploy.md §1):
#   --secret id=ca,src=corp-ca.pem            extra CAs (PEM bundle) trusted by the build only
#   --secret id=maven-settings,src=settings.xml  a Maven settings.xml (mirror, credentials)
#   --build-arg MVNW_REPOURL=https://mirror/...  where the wrapper downloads Maven itself
# Image names are fully qualified: podman and CRI-O with short-name enforcement refuse others.
# RUNTIME_IMAGE must be a JDK 25+ runtime with a user 65532 in /etc/passwd (distroless "nonroot";
# the embedded PostgreSQL of the training run looks its user up).

ARG JDK_IMAGE=docker.io/library/eclipse-temurin:25-jdk-noble
ARG RUNTIME_IMAGE=gcr.io/distroless/java25-debian13:nonroot

FROM ${JDK_IMAGE} AS build
ARG MVNW_REPOURL=
WORKDIR /src
COPY . .
# the local Maven repository lives in a BuildKit cache mount, so rebuilds download nothing new
RUN --mount=type=cache,target=/root/.m2 \
    --mount=type=secret,id=ca,required=false \
    --mount=type=secret,id=maven-settings,required=false \
    set -e; \
    if [ -s /run/secrets/ca ]; then \
      mkdir -p /tmp/ca && awk '/BEGIN CERT/{n++; p=1} p{print > ("/tmp/ca/" n ".pem")} /END CERT/{p=0}' /run/secrets/ca; \
      for c in /tmp/ca/*.pem; do \
        keytool -importcert -noprompt -cacerts -storepass changeit -alias "build-ca-$(basename $c .pem)" -file "$c" >/dev/null; \
      done; \
      if [ -f /etc/ssl/certs/ca-certificates.crt ]; then cat /run/secrets/ca >> /etc/ssl/certs/ca-certificates.crt; fi; \
    fi; \
    settings=; if [ -s /run/secrets/maven-settings ]; then settings="-s /run/secrets/maven-settings"; fi; \
    MVNW_REPOURL="$MVNW_REPOURL" ./mvnw -B -q $settings -pl message-service -am package -DskipTests -Dspotless.check.skip=true; \
    cp message-service/target/message-service-*-exec.jar /tmp/app.jar
WORKDIR /layers
# dependencies / spring-boot-loader / snapshot-dependencies / application, each its own image
# layer; without the launcher: application/app.jar names its libraries (lib/*.jar) in its
# manifest, so the JVM's own class loader loads them, which is what the AOT cache can hold
RUN java -Djarmode=tools -jar /tmp/app.jar extract --layers --destination /layers

# The training run, on the runtime image itself (the cache is only valid on the JVM that wrote
# it) with the application files at the same paths as below. It is a real start of the service
# in its embedded mode (no database or broker needed at build time): embedded PostgreSQL and
# AMQP broker, Flyway, JPA validation, the bootstraps, every bean; spring.context.exit=onRefresh
# ends it once the context is refreshed, and the JVM then writes the cache. Only the cache leaves
# this stage: pg_ctl of the embedded PostgreSQL needs /bin/sh, which distroless has not, so this
# stage borrows the build stage's; the final image gets none.
FROM ${RUNTIME_IMAGE} AS train
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY --from=build /usr/bin/dash /bin/sh
USER 65532:65532
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
# A failed start would leave the embedded broker's threads running and the build waiting, so:
# a fixed Quartz instance id (AUTO looks the host name up, which a build container may not
# resolve) and a broker connect timeout raised from 3 s (a loaded build machine)
RUN ["java", "-XX:AOTCacheOutput=/tmp/app.aot", "-Xlog:aot*=error", \
     "-Dspring.context.exit=onRefresh", "-jar", "/app/app.jar", \
     "--rms.embedded.data-dir=/tmp/training", "--server.port=0", "--management.server.port=0", \
     "--spring.quartz.properties.org.quartz.scheduler.instanceId=aot-training", \
     "--spring.rabbitmq.connection-timeout=60s"]

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="reliable-message-service" \
      org.opencontainers.image.description="Reliable message coordinator (PostgreSQL + RabbitMQ)"
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# the JDK 25 AOT cache (JEP 483/514/515): classes loaded and linked, method profiles. The JVM
# checks it against itself and the class path (jar sizes and times); if they differ it logs
# [error][aot] lines and starts without it, never with a wrong one
COPY --from=train /tmp/app.aot ./app.aot
# distroless "nonroot" user; the chart runs with readOnlyRootFilesystem and an emptyDir on /tmp
USER 65532:65532
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
# the cache's archived heap objects must fit the initial heap: at the JVM's default of 1/64 of the
# container's memory (6 MiB at 384Mi) they do not, and the cache is rejected
ENTRYPOINT ["java", "-XX:AOTCache=/app/app.aot", "-XX:InitialRAMPercentage=25", "-jar", "/app/app.jar"]
