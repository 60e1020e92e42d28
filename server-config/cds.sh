#!/usr/bin/env bash
# Class-data sharing for Payara Micro with the WAR (measured on Payara 6, Java 17): starts 15–20 % faster (measured)
# (bench/RESULTS.md, bench/startup.sh).
#
#   server-config/cds.sh PAYARA_MICRO_JAR WAR DIR   makes DIR/root/launch-micro.jar and DIR/pipeline.jsa
#   server-config/cds.sh --reset DIR                 clears what a start left in DIR/root (before each start)
#
# Then start with the launcher and the archive instead of `-jar payara-micro.jar`, the options unchanged:
#   java -XX:SharedArchiveFile=DIR/pipeline.jsa ... -jar DIR/root/launch-micro.jar --nocluster --nohazelcast ...
#
# Why a launcher: `java -jar payara-micro.jar` unpacks its runtime into a new folder at every start and
# loads it through its own class loader, which Java 17 cannot archive. `--outputlauncher` unpacks it
# once into DIR/root; launch-micro.jar then has the runtime on its class path. The archive is written
# by one start that deploys the WAR and stops (`--warmup`) with -XX:ArchiveClassesAtExit. It holds
# the classes of that JDK and that Payara Micro (made again when either changes) and of the WAR as it
# was: a class of the WAR that changed since is loaded from the WAR as usual (delete DIR to archive
# the new one). A JVM that cannot use the archive says so in its log and starts without it.
#
# Payara Micro keeps what a start deployed in its root folder and would deploy it again at the next
# start beside --deploy: --reset puts DIR/root back as --outputlauncher left it.
set -euo pipefail

reset() {
  local root="$1/root"
  find "$root" -mindepth 1 -maxdepth 1 ! -name launch-micro.jar ! -name runtime ! -name META-INF -exec rm -rf {} +
  cp -a "$1/pristine/." "$root/"
}

if [[ "${1:-}" == --reset ]]; then
  reset "$2"
  exit 0
fi
# The JDK that will run Payara (the archive holds its classes): JAVA_HOME's, else the java on the PATH.
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
payara_jar="$(realpath "$1")"
war="$(realpath "$2")"
dir="$3"
mkdir -p "$dir"
dir="$(realpath "$dir")"
inputs="$(sha256sum < "$payara_jar" | cut -d' ' -f1) $("$java" -version 2>&1 | head -1)"
if [[ -f "$dir/pipeline.jsa" && "$(cat "$dir/inputs" 2>/dev/null)" == "$inputs" ]]; then
  exit 0
fi
config="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$dir/root" "$dir/pristine" "$dir/pipeline.jsa" "$dir/training" "$dir/inputs"
"$java" -jar "$payara_jar" --rootdir "$dir/root" --outputlauncher > "$dir/outputlauncher.log" 2>&1
mkdir -p "$dir/pristine"
find "$dir/root" -mindepth 1 -maxdepth 1 ! -name launch-micro.jar ! -name runtime ! -name META-INF -exec cp -a {} "$dir/pristine/" \;

# The training start: the local-run key and catalogue, so that the token check's classes load too,
# and the embedded broker on a port of its own (CDS_BROKER_PORT, CDS_HTTP_PORT to change them).
"$java" -Xmx512m -XX:ArchiveClassesAtExit="$dir/pipeline.jsa" \
  -Dmp.jwt.verify.publickey.location="file://$config/local-run/publicKey.pem" \
  -Dmp.jwt.verify.issuer=https://pipeline.local/local-run \
  -Dpipeline.topics.file="$config/local-run/topics.json" \
  -Dpipeline.broker.data-dir="$dir/training/broker" \
  -Dpipeline.broker.embedded-acceptor="tcp://localhost:${CDS_BROKER_PORT:-26617}" \
  -jar "$dir/root/launch-micro.jar" --nocluster --nohazelcast --port "${CDS_HTTP_PORT:-26081}" \
  --prebootcommandfile "$config/pre-boot-commands.asadmin" \
  --postdeploycommandfile "$config/post-deploy-commands.asadmin" \
  --systemproperties "$config/system.properties" \
  --deploy "$war" --warmup > "$dir/training.log" 2>&1
rm -rf "$dir/training"
reset "$dir"
test -s "$dir/pipeline.jsa" || { echo "no archive written; see $dir/training.log" >&2; exit 1; }
echo "$inputs" > "$dir/inputs"
