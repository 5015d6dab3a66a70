# syntax=docker/dockerfile:1
# The infermux gateway. Build: docker build -t infermux/gateway .   Run: see compose.yaml.
# The runtime stage holds what `npm install @infermux/server` gives a user (the packages packed by
# pnpm, installed by npm with production dependencies only): the same path the packed-install test checks.

FROM node:20-bookworm-slim AS build
# Compilers for better-sqlite3 when no prebuilt binary matches the platform.
RUN apt-get update \
  && apt-get install --yes --no-install-recommends g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /repo
COPY . .
RUN npm install --global --no-audit --no-fund pnpm@10.34.8 \
  && pnpm install --frozen-lockfile \
  && pnpm turbo run build --filter=@infermux/server... \
  && pnpm --filter=@infermux/server... pack --pack-destination /tarballs
WORKDIR /app
RUN npm init --yes > /dev/null \
  && npm install --omit=dev --no-audit --no-fund /tarballs/*.tgz \
  && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
# On 0.0.0.0 every request needs a gateway key: the shipped config reads it from INFERMUX_GATEWAY_KEY
# (the gateway refuses to start without it). Mount your own config and point INFERMUX_CONFIG at it for more.
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=8080 \
  INFERMUX_CONFIG=/app/infermux.config.yaml \
  XDG_DATA_HOME=/data
COPY --from=build /app /app
COPY deploy/container.config.yaml /app/infermux.config.yaml
# The ledger (keys, usage) lives in the volume: the default $XDG_DATA_HOME/infermux/gateway.sqlite, or a
# /data/.infermux/gateway.sqlite an earlier image left there (still used when present).
RUN mkdir -p /data && chown node:node /data
WORKDIR /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "/app/node_modules/@infermux/server/dist/main.js"]
