# One image for every Probity process; docker-compose.yml picks the command (node dist/workers/<process>.js).
# Node 22, the line engines, CI and the README name.

# 1. Build: TypeScript to dist/, and the Outlook add-in's bundle (esbuild), with the dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build && npx tsx scripts/build-outlook.ts

# 2. Production dependencies only (`npm install` with the lock file present installs the locked versions).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --ignore-scripts

# 3. What runs: compiled code, data and production dependencies, as the unprivileged `node` user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/workers ./dist/workers
COPY --from=build /app/dist/outlook ./dist/outlook
COPY bin ./bin
COPY lexicons ./lexicons
COPY examples ./examples
COPY src/http/page ./src/http/page
COPY src/http/shell ./src/http/shell
COPY src/enquiries/page ./src/enquiries/page
# State a process keeps outside Redis (the ledger's checkpoints), on a volume in docker-compose.yml.
RUN mkdir -p /var/lib/probity && chown node:node /var/lib/probity
USER node
EXPOSE 3000
# The API's; docker-compose.yml sets each worker's own (a heartbeat while its Redis connections are up).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/workers/healthcheck.js", "http://127.0.0.1:3000/healthz"]
CMD ["node", "dist/workers/api.js"]
