# syntax=docker/dockerfile:1.7
# Reliable message service image: build with the Maven wrapper on JDK 21, unpack the Spring Boot
# layered jar, run on a distroless JRE as a non-root user (no shell, no package manager).
#   docker build -t <registry>/reliable-message-service:<version> .
# See docs/deploy.md.

ARG JDK_IMAGE=eclipse-temurin:21-jdk-noble
ARG RUNTIME_IMAGE=gcr.io/distroless/java21-debian12:nonroot

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
# the local Maven repository lives in a BuildKit cache mount, so rebuilds download nothing new
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl message-service -am package -DskipTests -Dspotless.check.skip=true \
 && cp message-service/target/message-service-*-exec.jar /tmp/app.jar
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
