# syntax=docker/dockerfile:1.7
# Reliable message service image: build with the Maven wrapper on JDK 21, unpack the Spring Boot
# layered jar, run on a distroless JRE as a non-root user (no shell, no package manager).
#   docker build -t <registry>/reliable-message-service:<version> .
# Optional, for a TLS-intercepting proxy or a Maven mirror (docs/deploy.md §1):
#   --secret id=ca,src=corp-ca.pem            extra CAs (PEM bundle) trusted by the build only
#   --secret id=maven-settings,src=settings.xml  a Maven settings.xml (mirror, credentials)
#   --build-arg MVNW_REPOURL=https://mirror/...  where the wrapper downloads Maven itself
# Image names are fully qualified: podman and CRI-O with short-name enforcement refuse others.

ARG JDK_IMAGE=docker.io/library/eclipse-temurin:21-jdk-noble
ARG RUNTIME_IMAGE=gcr.io/distroless/java21-debian12:nonroot

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
# dependencies / spring-boot-loader / snapshot-dependencies / application, each its own image layer
RUN java -Djarmode=tools -jar /tmp/app.jar extract --layers --launcher --destination /layers

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="reliable-message-service" \
      org.opencontainers.image.description="Reliable message coordinator (PostgreSQL + RabbitMQ)"
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# distroless "nonroot" user; the chart runs with readOnlyRootFilesystem and an emptyDir on /tmp
USER 65532:65532
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
