# syntax=docker/dockerfile:1
# One image recipe for every WebStore Node service and the storefront. Compose picks the package
# with build args; the runtime stage holds built output and production dependencies only.
#   docker build --build-arg PACKAGE=@webstore/payment --build-arg ENTRY=consumers/payment/dist/main.js .

ARG NODE_IMAGE=node:22.21.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 (the services' state stores, the console's telemetry store) is a native addon. Its
# install script fetches a prebuilt binary from the project's GitHub releases and compiles from
# source when it cannot; the compilers live in this stage only, and node-gyp takes the headers the
# Node image already has instead of downloading them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
ARG PACKAGE
COPY package.json package-lock.json turbo.json ./
COPY tooling ./tooling
COPY schemas ./schemas
COPY embedded-kafka ./embedded-kafka
COPY observability ./observability
COPY producers ./producers
COPY consumers ./consumers
COPY gateway ./gateway
COPY storefront ./storefront
COPY console ./console
# npm ci runs under the project's npm (packageManager in package.json): npm 10, which the Node 22
# image ships, ignores allowScripts and would run the install scripts package.json denies (an
# install-time analytics ping among them).
RUN npx --yes npm@11.19.1 ci --no-audit --no-fund \
 && npx turbo run build --filter="${PACKAGE}..." \
 && npm prune --omit=dev --no-audit --no-fund \
 && find . -name node_modules -prune -o -type d \( -name src -o -name test -o -name .turbo \) -prune -exec rm -rf {} +

FROM ${NODE_IMAGE} AS runtime
ARG ENTRY
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE_ENTRY=${ENTRY} \
    NODE_OPTIONS="--import @webstore/observability/register"
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# Compose mounts each service's named volume here. Docker seeds a new volume with the ownership of
# the image's directory at the mount point, and only when that directory exists; without it the
# volume root is root:root 0755 and the service, running as node, cannot write its journals.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
# The health probe clears NODE_OPTIONS so it does not start a second telemetry SDK.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["sh", "-c", "NODE_OPTIONS= node -e \"fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))\""]
CMD ["sh", "-c", "exec node \"$SERVICE_ENTRY\""]
