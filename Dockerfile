# One image for every Probity process; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Dev dependencies are needed to build (TypeScript, esbuild for the Outlook bundle); the build runs once here.
RUN npm ci --include=dev --ignore-scripts
COPY . .
RUN npm run build && npx tsx scripts/build-outlook.ts
USER node
EXPOSE 3000
CMD ["node", "dist/src/http/server.js"]
