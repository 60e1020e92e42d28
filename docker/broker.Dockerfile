# An Apache Artemis broker for Pipeline: the Artemis distribution the Maven build unpacks for the
# tests (target/artemis/apache-artemis-<artemis.dist.version>, the version the pom names) on Debian's
# Java 21 runtime, configured by server-config/broker.xml. Build from the repository root after
#
#   mvn -B -DskipTests package dependency:unpack@unpack-artemis-distribution
#
#   docker build -f docker/broker.Dockerfile -t pipeline-broker:local .     # or: podman build ...
#
# The instance (etc/ and the journal) lives on the volume /var/lib/artemis-instance, made on the
# first start (broker-entrypoint.sh). Environment: ARTEMIS_USER and ARTEMIS_PASSWORD (required, the
# login the broker demands), ARTEMIS_JAVA_MEMORY (heap, default 512M), BROKER_XML (the broker.xml
# to run, default the image's copy of server-config/broker.xml; compose.scale.yaml mounts the pair's
# files instead). Why not the apache/activemq-artemis image: docker/README.md.

FROM debian:trixie-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-21-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1001 --user-group --home-dir /var/lib/artemis-instance --no-create-home --shell /usr/sbin/nologin artemis \
 && mkdir -p /var/lib/artemis-instance /etc/artemis \
 && chown artemis:artemis /var/lib/artemis-instance

# One distribution in target/artemis: after changing artemis.dist.version, `mvn clean` first.
COPY target/artemis/apache-artemis-*/ /opt/artemis/
COPY server-config/broker.xml /etc/artemis/broker.xml
COPY docker/broker-entrypoint.sh /usr/local/bin/broker-entrypoint.sh

USER artemis
# 61616: every protocol (CORE for JMS, AMQP, STOMP, OpenWire, MQTT); 8161: the web console.
EXPOSE 61616 8161
VOLUME /var/lib/artemis-instance

# Healthy while the broker accepts connections on 61616. A broker opens its acceptor once it is
# active, so a replicated pair's backup reports unhealthy until it takes over. bash's /dev/tcp, not
# `artemis check node`: that starts a JVM every interval.
HEALTHCHECK --interval=5s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/61616"]

ENTRYPOINT ["/usr/local/bin/broker-entrypoint.sh"]
