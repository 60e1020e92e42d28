#!/usr/bin/env bash
# Starts the gateway on Payara Micro with the boot files beside this script, the way it is tested:
#   server-config/payara-micro.sh PAYARA_MICRO_JAR WAR [more Payara Micro options, e.g. --port 9090]
# Configuration comes from the environment (MicroProfile Config reads PIPELINE_BROKER_URL for
# pipeline.broker.url, MP_JWT_VERIFY_ISSUER for mp.jwt.verify.issuer, ...; server-config/README.md),
# JVM options from JAVA_OPTS (for example -Xmx1g). The java of JAVA_HOME, else the one on the PATH.
# The pre-boot file keeps the HTTP listener closed until the WAR is deployed and the post-deploy file
# opens it (no 404 while it deploys); on SIGTERM the WAR drains (pipeline.shutdown.*) before Payara stops.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,3s/^# \{0,3\}//p' "$0" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
payara_jar="$1"
war="$2"
shift 2
# JAVA_OPTS is a list of options: split on white space on purpose.
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" ${JAVA_OPTS:-} -jar "$payara_jar" --nocluster --nohazelcast \
  --prebootcommandfile "$here/pre-boot-commands.asadmin" \
  --postdeploycommandfile "$here/post-deploy-commands.asadmin" \
  --systemproperties "$here/system.properties" \
  --deploy "$war" "$@"
