#!/usr/bin/env bash
# Makes the key and trust stores of the production TLS shape (server-config/tls/README.md) with the
# JDK's keytool alone: a private certificate authority, a key store for the broker's TLS acceptor, one
# for the gateway's HTTPS listener, and a trust store holding the authority's certificate for whoever
# connects to either (the gateway's broker link, producers, probes).
#
#   STORE_PASSWORD=... server-config/tls/make-stores.sh DIR BROKER_HOSTS GATEWAY_HOSTS
#
# BROKER_HOSTS and GATEWAY_HOSTS: the names (or IP addresses) clients reach each server by, apart by
# commas; they become the certificate's subject alternative names, which clients check. Every store is
# PKCS12, protected by $STORE_PASSWORD (read from the environment, so it is in no process's arguments).
# DIR gets:
#   ca.p12                 the authority's private key: keep it offline, it signs whatever it is given
#   ca.pem                 the authority's certificate
#   broker-keystore.p12    alias broker: the broker's key and certificate chain
#   gateway-keystore.p12   alias gateway: the gateway's HTTPS key and certificate chain
#   truststore.p12         alias pipeline-ca: the authority's certificate
# A company CA does the same job: give keytool -certreq's request to it instead of this authority.
set -euo pipefail

if [[ $# -ne 3 || -z "${STORE_PASSWORD:-}" ]]; then
  echo "usage: STORE_PASSWORD=... $0 DIR BROKER_HOSTS GATEWAY_HOSTS (host names apart by commas)" >&2
  exit 2
fi
dir="$1"
broker_hosts="$2"
gateway_hosts="$3"
days=825
keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"

mkdir -p "$dir"
umask 077
cd "$dir"
rm -f ca.p12 ca.pem broker-keystore.p12 gateway-keystore.p12 truststore.p12 ./*.csr ./*.crt

# keytool with the store password from the environment; each call is a JVM of its own, and these
# two options make the dozen of them take seconds, not a quarter of a minute.
store() {
  "$keytool" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC "$@" -storetype PKCS12 -storepass:env STORE_PASSWORD
}

# "a.example,10.0.0.5" -> "dns:a.example,ip:10.0.0.5"
subject_alternative_names() {
  local names=() host
  IFS=',' read -r -a hosts <<< "$1"
  for host in "${hosts[@]}"; do
    if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then names+=("ip:$host"); else names+=("dns:$host"); fi
  done
  (IFS=','; echo "${names[*]}")
}

store -genkeypair -keystore ca.p12 -alias ca -dname "CN=Pipeline CA $(date -u +%Y%m%d%H%M%S)" \
  -keyalg EC -groupname secp256r1 -validity "$days" -ext bc:c=ca:true,pathlen:0 -ext ku:c=keyCertSign,cRLSign
store -exportcert -keystore ca.p12 -alias ca -rfc -file ca.pem

# server NAME HOSTS: a key pair in NAME-keystore.p12 with a certificate from the authority for HOSTS
server() {
  local name="$1" hosts="$2"
  store -genkeypair -keystore "$name-keystore.p12" -alias "$name" -dname "CN=${hosts%%,*}" -keyalg EC -groupname secp256r1 -validity "$days"
  store -certreq -keystore "$name-keystore.p12" -alias "$name" -file "$name.csr"
  store -gencert -keystore ca.p12 -alias ca -infile "$name.csr" -outfile "$name.crt" -rfc -validity "$days" \
    -ext "san=$(subject_alternative_names "$hosts")" -ext ku:c=digitalSignature -ext eku=serverAuth
  store -importcert -keystore "$name-keystore.p12" -alias pipeline-ca -file ca.pem -noprompt
  store -importcert -keystore "$name-keystore.p12" -alias "$name" -file "$name.crt"
  rm -f "$name.csr" "$name.crt"
}
server broker "$broker_hosts"
server gateway "$gateway_hosts"

store -importcert -keystore truststore.p12 -alias pipeline-ca -file ca.pem -noprompt
echo "made in $PWD: ca.p12 (keep offline), ca.pem, broker-keystore.p12, gateway-keystore.p12, truststore.p12"
