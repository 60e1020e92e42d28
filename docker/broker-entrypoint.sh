#!/bin/sh
# Starts an Apache Artemis broker from the distribution in /opt/artemis, with its instance on the
# volume /var/lib/artemis-instance (configuration in etc/, journal in data/):
# - on the first start of an empty volume, `artemis create` makes the instance, with the login
#   ARTEMIS_USER / ARTEMIS_PASSWORD required (role amq, which the project's broker.xml files grant
#   everything), the web console on 0.0.0.0:8161 and ARTEMIS_JAVA_MEMORY as the heap;
# - on every start, BROKER_XML (server-config/broker.xml in the image; compose mounts the file it
#   wants there) replaces the instance's etc/broker.xml, so an edited broker.xml needs a restart,
#   not a new volume. Stored messages and duplicate-detection ids stay in data/.
set -eu
instance=/var/lib/artemis-instance
if [ ! -f "$instance/etc/broker.xml" ]; then
  # --no-autotune: the journal's buffer timeout is set by broker.xml, not measured here.
  /opt/artemis/bin/artemis create --silent --no-autotune --require-login \
    --user "${ARTEMIS_USER:?ARTEMIS_USER is not set}" --password "${ARTEMIS_PASSWORD:?ARTEMIS_PASSWORD is not set}" \
    --http-host 0.0.0.0 --relax-jolokia --java-memory "${ARTEMIS_JAVA_MEMORY:-512M}" "$instance"
fi
cp "${BROKER_XML:-/etc/artemis/broker.xml}" "$instance/etc/broker.xml"
exec "$instance/bin/artemis" run
