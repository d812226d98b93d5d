# The swarm listener: Docker events -> notifications. Build context: staging dir from
# scripts/build-images.sh; the build needs no network.
ARG BASE_IMAGE=flowproxy/base:bookworm
FROM ${BASE_IMAGE}

COPY --chown=root:root . /app
WORKDIR /app
ENV NODE_ENV=production \
    API_PORT=8080 \
    DOCKER_HOST=unix:///var/run/docker.sock
EXPOSE 8080

# Runs as root: it must read /var/run/docker.sock, owned by root:docker with a gid that differs
# per host, and Swarm services cannot add supplementary groups (no group_add in stacks).
# Anyone who can talk to that socket is root on the node anyway, so a non-root user buys nothing.

# bash's /dev/tcp, not a Node process (see proxy.Dockerfile).
HEALTHCHECK --interval=5s --timeout=10s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /v1/docker-flow-swarm-listener/ping HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ code _ <&3 && [ \"$code\" = 200 ]"]

ENTRYPOINT ["tini", "--"]
CMD ["node", "/app/dist/main.js"]
