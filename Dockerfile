# One image for every server; docker-compose picks the workspace to run.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY schema ./schema
COPY scripts ./scripts
COPY tsconfig.base.json tsconfig.json turbo.json ./
RUN npm ci --no-audit --no-fund
ENV NODE_ENV=production HOST=0.0.0.0
