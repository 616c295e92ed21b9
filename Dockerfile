# syntax=docker/dockerfile:1
# One image for all twelve workloads: each Copilot manifest only chooses the command
# (`run <workload>`). Built once per commit by the staging pipeline and promoted unchanged.
#
# Node 24 is an LTS line with prebuilt better-sqlite3@12 binaries; the exact patch is pinned so a
# rebuild of the same commit gives the same runtime. Bump it deliberately (and the two FROMs below
# follow the one ARG).
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

# --- build: compile TypeScript to dist/ and the POS app to web/pos/dist (dev dependencies stay here) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Toolchain only for the case where a native module has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web/pos ./web/pos
RUN npm run build \
 && npm run build:web

# --- deps: production dependencies only ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime: no compiler, no dev dependencies, no sources, no npm run wrapper ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
# Files stay owned by root and are read-only to the process; it writes nothing to the image.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/pos/dist ./web/pos/dist
COPY package.json ./
COPY bin ./bin
# The `node` user (uid 1000) ships with the official image.
USER node
# Exec form: node runs as PID 1 and receives SIGTERM from ECS directly (regi handles it).
ENTRYPOINT ["node", "bin/regi.js"]
CMD ["run", "pos-web-app"]
