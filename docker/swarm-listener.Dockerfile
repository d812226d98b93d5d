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

HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/v1/docker-flow-swarm-listener/ping').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["tini", "--"]
CMD ["node", "/app/dist/main.js"]
