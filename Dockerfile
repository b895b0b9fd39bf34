# syntax=docker/dockerfile:1
# One image for the three services; the command names the service:
#   docker run latchkey key-service | auth-server | resource-demo
# The entry point (docker/latchkey) sets each service's JVM memory flags; JAVA_OPTS adds to or overrides them.
# The image holds no dev stack jar and no dev data.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY common/pom.xml common/
COPY db/pom.xml db/
COPY key-service/pom.xml key-service/
COPY auth-server/pom.xml auth-server/
COPY verifier/pom.xml verifier/
COPY resource-demo/pom.xml resource-demo/
COPY stack/pom.xml stack/
COPY cli/pom.xml cli/
COPY common/src common/src
COPY db/src db/src
COPY key-service/src key-service/src
COPY auth-server/src auth-server/src
COPY verifier/src verifier/src
COPY resource-demo/src resource-demo/src
RUN mvn -B -q -DskipTests -Dspotless.check.skip=true -pl key-service,auth-server,resource-demo -am \
        package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/out/lib \
    && for m in common db key-service auth-server verifier resource-demo; do \
         cp "$m"/target/latchkey-"$m"-*.jar /out/lib/; \
       done \
    && rm -f /out/lib/*-tests.jar

FROM eclipse-temurin:17-jre
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 latchkey \
    && useradd --system --uid 10001 --gid latchkey --no-create-home --shell /usr/sbin/nologin latchkey
COPY --from=build /out/lib /app/lib
COPY docker/latchkey /app/latchkey
USER 10001:10001
# Public ports and key-service's internal one. The management listeners (9080 auth-server, 9081 key-service,
# 9082 resource-demo: health and /metrics) bind loopback inside the container; the health check probes them there.
EXPOSE 8080 8081 8082 8091
HEALTHCHECK --interval=5s --timeout=4s --start-period=60s --retries=3 CMD ["/app/latchkey", "health"]
ENTRYPOINT ["/app/latchkey"]
CMD ["auth-server"]
