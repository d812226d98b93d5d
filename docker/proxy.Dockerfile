# The proxy: Node control plane + HAProxy (spawned by node, master-worker mode).
# Build context: the staging dir made by scripts/build-images.sh (dist/ + production node_modules);
# the build needs no network. On a normal machine any base with Node 20 and HAProxy 2.6+ works.
ARG BASE_IMAGE=flowproxy/base:bookworm
FROM ${BASE_IMAGE}

# Runs as the unprivileged user `app`. HAProxy binds 80/443 itself: the base has no setcap
# (libcap2-bin), so instead of a file capability the stack sets the namespaced sysctl
# net.ipv4.ip_unprivileged_port_start=0 (docker-compose.yml). Without that sysctl, run the
# service with `user: root`.
RUN mkdir -p /cfg /certs /var/run/flowproxy \
 && chown app:app /cfg /certs /var/run/flowproxy
COPY --chown=root:root . /app
WORKDIR /app

ENV NODE_ENV=production \
    API_PORT=8080 \
    CONFIG_DIR=/cfg \
    CERTS_DIR=/certs \
    RUNTIME_DIR=/var/run/flowproxy \
    SECRETS_DIR=/run/secrets \
    DEFAULT_PORTS=80,443:ssl
EXPOSE 80 443 8080
USER app

# Healthy once HAProxy serves: start-up applies the state from LISTENER_ADDRESS first, waiting for it
# at most LISTENER_WAIT (then it serves what it has; `ready` says not in sync).
# bash's /dev/tcp: curl is not in the base, busybox wget crashes on DNS here, and a `node -e fetch`
# took over the 3 s timeout on a loaded host (npm run soak), so Swarm replaced healthy replicas.
HEALTHCHECK --interval=2s --timeout=10s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /v1/docker-flow-proxy/healthy HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]

# tini as PID 1: node as PID 1 ignores SIGTERM, and tini reaps HAProxy's old workers.
ENTRYPOINT ["tini", "--"]
CMD ["node", "/app/dist/main.js"]
