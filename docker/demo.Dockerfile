# The walkthrough's go-demo stand-in (port 8080, /demo/hello, /demo/person, X-Served-By).
ARG BASE_IMAGE=flowproxy/base:bookworm
FROM ${BASE_IMAGE}

COPY --chown=root:root . /app
WORKDIR /app
ENV NODE_ENV=production PORT=8080
EXPOSE 8080
USER app
# No HEALTHCHECK on purpose: Swarm adds a task with a healthcheck to DNS (tasks.<svc>) only once it
# is healthy, which delays "service created -> routable" by a check interval (2 s or more on
# engine 20.10, which has no start_interval). The proxy's own HAProxy checks cover readiness.
ENTRYPOINT ["tini", "--"]
CMD ["node", "/app/dist/main.js"]
