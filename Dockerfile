# Multi-stage: build the jar with Maven, run it on a slim JRE as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
RUN mvn -q -B package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /app relay && mkdir -p /app/conf /data && chown 10001 /data
COPY --from=build /src/target/coralmux-relay.jar /app/coralmux-relay.jar
# Defaults; in Kubernetes a ConfigMap is mounted over /app/conf.
COPY conf/relay.json conf/cluster.json /app/conf/
WORKDIR /app
USER 10001
# The relay reads conf/relay.json and conf/cluster.json relative to the working directory.
ENV RELAY_DATA_DIR=/data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions -XX:G1NewSizePercent=2 -XX:G1MaxNewSizePercent=10"
# 8080: WebSocket + HTTP API; 5701: Hazelcast (cluster mode).
EXPOSE 8080 5701
# Tokens, usage, the admin key and the invite secret live here: keep it on a volume
# (docker run -v coralmux-data:/data …), or they vanish with the container.
VOLUME ["/data"]
ENTRYPOINT ["java", "-jar", "/app/coralmux-relay.jar"]
CMD ["serve"]
