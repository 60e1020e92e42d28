# HAProxy for docker/compose.scale.yaml: Debian's haproxy package (3.0 on trixie) running
# docker/haproxy.cfg. Build from the repository root:
#
#   docker build -f docker/haproxy.Dockerfile -t pipeline-haproxy:local .     # or: podman build ...
#
# Why not the haproxy image: docker/README.md.

FROM debian:trixie-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/*

COPY docker/haproxy.cfg /etc/haproxy/haproxy.cfg
RUN haproxy -c -f /etc/haproxy/haproxy.cfg

# The package made the user haproxy; port 8080 needs no privilege.
USER haproxy
EXPOSE 8080
# -W: master-worker, so that SIGUSR2 reloads the configuration; -db: stay in the foreground.
CMD ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
