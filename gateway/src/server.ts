import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '@membership/config';
import { graphqlHttpHandler, listen, type RunningServer } from '@membership/subgraph';
import { GATEWAY_SERVICE, viewerSigner } from '@membership/viewer';
import { IdentitySessions, type SessionCheck } from './auth/sessions.js';
import { viewerFromRequest } from './auth/viewer.js';
import type { GatewayContext } from './context.js';
import { assertSafeToServe, type GatewayEnv } from './env.js';
import { createGatewayErrorFormatter } from './errors.js';
import {
  FIRST_PARTY,
  MemoryRateLimiter,
  RedisRateLimiter,
  connectRedis,
  createApqCache,
  enforceRateLimit,
  enforceSafelist,
  introspectionPlugin,
  requirePersistedShape,
  loadManifests,
  operationLimits,
  suggestionsPlugin,
  type PersistedPolicy,
} from './operations/index.js';
import { API_KEY_HEADER, IdentityPartnerDirectory } from './auth/partners.js';
import { requestIdPlugin } from './request-id.js';
import { retryAfterPlugin } from './retry-after.js';
import { SignedSubgraphSource } from './subgraph-source.js';
import { IdentityAccessLog, NO_PARTNER_CONSENT, PiiGateway, noReservedAliases, type AccessLogWriter } from './pii/index.js';

export interface GatewayOptions {
  env: GatewayEnv;
  logger: Logger;
  /** Supergraph SDL; defaults to the file at SUPERGRAPH_PATH. */
  supergraphSdl?: string;
  /** Where each subgraph really is, by name, when not where the supergraph says. */
  subgraphUrls?: Record<string, string>;
  /** Field-level PII rules (on by default); off gives a plain Apollo gateway, for comparison. */
  pii?: boolean;
  /** Where the PII access log goes; defaults to identity. */
  accessLog?: AccessLogWriter;
  /**
   * Who says whether a token's session still holds; defaults to identity. `'none'` only for
   * a supergraph without identity (the PII layer's test fixtures): tokens are then taken as
   * signed, logout and bans notwithstanding.
   */
  sessions?: SessionCheck | 'none';
}

/**
 * Where the request came from: the socket's peer, or behind a trusted proxy (TRUST_PROXY) the
 * address that proxy appended last to X-Forwarded-For; clients choose everything before it.
 */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && typeof forwarded === 'string') {
    const last = forwarded
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .at(-1);
    if (last) return last;
  }
  return req.socket.remoteAddress ?? undefined;
}

/** The header in which staff state why they need personal data. */
const PURPOSE_HEADER = 'x-access-purpose';

const purposes = (env: GatewayEnv) =>
  env.PII_PURPOSES.split(',')
    .map((p) => p.trim())
    .filter(Boolean);

/**
 * The public door: verifies the caller, plans the query over the static supergraph
 * and calls subgraphs with the caller signed into every request.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const { env, logger } = options;
  assertSafeToServe(env);
  const supergraphSdl = options.supergraphSdl ?? readFileSync(env.SUPERGRAPH_PATH, 'utf8');
  const urls: Record<string, string> = {};
  const signer = viewerSigner(GATEWAY_SERVICE, env.GATEWAY_SIGNING_KEY);
  const apolloGateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      urls[name] = options.subgraphUrls?.[name] ?? url ?? '';
      return new SignedSubgraphSource(name, urls[name], signer, env.SUBGRAPH_TIMEOUT_MS, env.SUBGRAPH_DEDUPE);
    },
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(String(m)), error: (m) => logger.error(String(m)) },
  });
  const identityUrl = () => urls.identity ?? options.subgraphUrls?.identity ?? '';
  const partners = new IdentityPartnerDirectory(identityUrl, signer, {
    timeoutMs: env.ACCESS_LOG_TIMEOUT_MS,
    cacheSeconds: env.PARTNER_CACHE_SECONDS,
  });
  const piiOn = options.pii ?? true;
  const gateway = piiOn
    ? new PiiGateway(apolloGateway, {
        logger,
        documentCacheSize: env.PII_DOCUMENT_CACHE_SIZE,
        policy: { purposes: purposes(env), partnerConsent: NO_PARTNER_CONSENT },
        partnerConsents: partners,
        accessLog: options.accessLog ?? new IdentityAccessLog(identityUrl, signer, env.ACCESS_LOG_TIMEOUT_MS),
      })
    : apolloGateway;
  const sessions =
    options.sessions === 'none'
      ? null
      : (options.sessions ??
        new IdentitySessions(identityUrl, signer, { ttlMs: env.SESSION_CHECK_TTL_MS, timeoutMs: env.SESSION_CHECK_TIMEOUT_MS }));
  const limits = operationLimits(env);
  // What gateway instances share (APQ cache, partner rate limits) lives in Redis when there is one.
  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger) : undefined;
  const apqCache = createApqCache({ redis, maxBytes: env.APQ_CACHE_BYTES, ttlSeconds: env.APQ_TTL_SECONDS, logger });
  const partnerLimiter = redis ? new RedisRateLimiter(redis) : new MemoryRateLimiter();
  const manifests = loadManifests(env.PERSISTED_OPERATIONS_DIR);
  if (env.MEMBER_OPERATIONS === 'safelist' && !manifests.has(FIRST_PARTY))
    throw new Error(`MEMBER_OPERATIONS=safelist needs ${FIRST_PARTY}.json in ${env.PERSISTED_OPERATIONS_DIR}.`);
  const persisted: PersistedPolicy = {
    manifests,
    memberOperations: env.MEMBER_OPERATIONS,
    manifestOf: (partner) => partner.partnerId,
  };
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: [...(piiOn ? [noReservedAliases] : []), ...limits.validationRules],
    parseOptions: limits.parseOptions,
    validationOptions: limits.validationOptions,
    formatError: createGatewayErrorFormatter(logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: env.ALLOW_BATCHED_REQUESTS,
    persistedQueries: { cache: apqCache, ttl: env.APQ_TTL_SECONDS },
    // Open here so that introspectionPlugin decides per viewer (staff with schema:read).
    introspection: true,
    plugins: [
      requestIdPlugin,
      retryAfterPlugin,
      introspectionPlugin,
      suggestionsPlugin,
      ...limits.plugins,
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();
  const handler = graphqlHttpHandler<GatewayContext>({
    apollo,
    maxBodyBytes: env.MAX_BODY_BYTES,
    routes: {
      '/health': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
    context: async (req, body) => {
      // A partner never sends a document: refused before its key is even looked up.
      if (req.headers[API_KEY_HEADER] !== undefined) requirePersistedShape(body, req.method ?? 'GET', 'A partner');
      const requestId = randomUUID();
      const viewer = await viewerFromRequest(req, env.JWT_SECRET, sessions, requestId, partners);
      // Every partner request counts against its key, whatever it asks for.
      if (viewer.kind === 'partner')
        await enforceRateLimit(partnerLimiter, `partner-key:${viewer.keyId}`, env.PARTNER_RATE_LIMIT_PER_MINUTE);
      const purpose = req.headers[PURPOSE_HEADER];
      if (viewer.kind === 'staff' && typeof purpose === 'string' && purpose) viewer.purpose = purpose.trim();
      enforceSafelist(persisted, viewer, body, req.method ?? 'GET');
      return { viewer, requestId, clientAddress: clientAddress(req, env.TRUST_PROXY) };
    },
  });
  const server = await listen(handler, env.PORT, env.HOST);
  logger.info('gateway listening', { url: server.url });
  return {
    name: 'gateway',
    url: server.url,
    async close() {
      await server.close();
      await apollo.stop();
      redis?.disconnect();
    },
  };
}
