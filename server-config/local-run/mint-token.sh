#!/usr/bin/env bash
# LOCAL RUN ONLY. Mints a bearer token that a service started by run.sh (which passes the local-run
# key and issuer) accepts; a service configured with any other key refuses it.
# Usage: mint-token.sh [groups, comma-separated (default orders-writer)] [imsOrg (default: none,
# a Service token)] [lifetime in seconds (default 3600)]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
groups="${1:-orders-writer}"
ims_org="${2:-}"
lifetime="${3:-3600}"
now=$(date +%s)

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_groups=$(printf '%s' "$groups" | awk -F, '{for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), $i}')
org_claim=""
[ -n "$ims_org" ] && org_claim=",\"imsOrg\":\"$ims_org\""

header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
payload=$(printf '{"iss":"https://pipeline.local/local-run","sub":"local-producer","upn":"local-producer","jti":"%s","iat":%d,"exp":%d,"groups":[%s]%s}' \
  "$(openssl rand -hex 16)" "$now" "$((now + lifetime))" "$json_groups" "$org_claim" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$here/privateKey.pem" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
