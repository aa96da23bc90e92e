import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Logger } from '@membership/config';
import type { GatewayContext } from '../context.js';
import { ownerNeeded, type AccessPolicy } from './access.js';
import { entriesFor, type AccessLogWriter } from './access-log.js';
import { RESERVED_ALIAS_PREFIX, analyseDocument, type DocumentAnalysis } from './augment.js';
import { denialErrors, pathPattern } from './field-errors.js';
import { executeGuarded } from './guarded-execution.js';
import { buildGuardedSchema, type Disclosure, type PiiExecutionContext } from './guarded-schema.js';
import { Lru } from './lru.js';
import { readPiiMarks, type PiiMarks } from './marks.js';

/** What members share with a partner now: `${memberId} ${category}` keys (auth/partners.ts). */
export interface PartnerConsentSource {
  grants(partner: string, memberIds: readonly string[]): Promise<Set<string>>;
}

export interface PiiLayerOptions {
  policy: AccessPolicy;
  /** Consents partners read under; without it partners see no PII. */
  partnerConsents?: PartnerConsentSource;
  accessLog: AccessLogWriter;
  logger: Logger;
  /** Documents whose analysis is kept (bounded so that distinct queries cannot grow memory). */
  documentCacheSize?: number;
}

interface SupergraphState {
  marks: PiiMarks;
  guarded: GraphQLSchema;
  analyses: Lru<string, DocumentAnalysis>;
}

/**
 * An error on an owner lookup the gateway added must not show the reserved alias: it is
 * reported at the object whose owner could not be read.
 */
function withoutReservedPath(error: GraphQLError): GraphQLError {
  const at = error.path?.findIndex((p) => typeof p === 'string' && p.startsWith(RESERVED_ALIAS_PREFIX)) ?? -1;
  if (at < 0) return error;
  return new GraphQLError(error.message, { path: error.path!.slice(0, at), extensions: error.extensions });
}

const OWNER_ALIAS_PREFIX = `${RESERVED_ALIAS_PREFIX}owner_`;

/** Every owner id the planner fetched under the reserved aliases, anywhere in the result. */
function ownersIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) ownersIn(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key.startsWith(OWNER_ALIAS_PREFIX)) {
        if (typeof v === 'string') into.add(v);
      } else if (v && typeof v === 'object') ownersIn(v, into);
    }
  }
  return into;
}

/** Sets each disclosed value to null: the access log could not be written, so it must not leave. */
function withhold(disclosures: Disclosure[]): void {
  for (const { holder, key } of disclosures) holder[key] = null;
}

/**
 * Wraps an Apollo gateway so PII rules derived from the supergraph's `@pii` marks apply
 * to every operation. graphql-shield cannot run on the gateway's own schema (it has no
 * resolvers), so for a document that reaches PII the executor (1) plans and runs an
 * augmented copy that also selects each owner's id under reserved aliases, then
 * (2) executes the client's document, cut down to the paths that reach PII, over a
 * shield-wrapped copy of the API schema with that result as its source, writing what
 * the rules allow in place, and (3) writes the access log before the response leaves.
 * Documents that reach no PII go straight to the gateway, untouched.
 */
export class PiiGateway implements GatewayInterface {
  private state: SupergraphState | undefined;

  constructor(
    private readonly inner: GatewayInterface,
    private readonly options: PiiLayerOptions,
  ) {}

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
    return this.inner.onSchemaLoadOrUpdate((schemaContext) => {
      this.state = this.build(schemaContext.apiSchema, schemaContext.coreSupergraphSdl);
      callback(schemaContext);
    });
  }

  async load(options: Parameters<GatewayInterface['load']>[0]) {
    const loaded = await this.inner.load(options);
    return { ...loaded, executor: loaded.executor ? this.wrap(loaded.executor) : null };
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }

  /** Rebuilt whenever the supergraph changes: the marks, the guarded schema, an empty cache. */
  private build(apiSchema: GraphQLSchema, coreSupergraphSdl: string): SupergraphState {
    const marks = readPiiMarks(coreSupergraphSdl);
    const guarded = buildGuardedSchema(apiSchema, marks);
    const fields = [...guarded.marks.values()].reduce((n, m) => n + m.size, 0);
    this.options.logger.info('PII rules built from the supergraph', { fields });
    return { marks: guarded.marks, guarded: guarded.schema, analyses: new Lru(this.options.documentCacheSize ?? 1000) };
  }

  private analyse(state: SupergraphState, rc: GatewayGraphQLRequestContext): DocumentAnalysis {
    const key = `${rc.queryHash}:${rc.operationName ?? ''}`;
    let analysis = state.analyses.get(key);
    if (!analysis) {
      analysis = analyseDocument(rc.schema, state.marks, rc.document, rc.operationName);
      state.analyses.set(key, analysis);
    }
    return analysis;
  }

  /**
   * The access policy for this request. A partner's answer depends on what the members in
   * this result consented to share with it now: read once per request, for all of them, and
   * never cached, so a withdrawn consent hides the data on the next request. If consents cannot
   * be read, the partner gets no PII (it fails closed).
   */
  private async policyFor(context: GatewayContext, data: unknown): Promise<AccessPolicy> {
    const viewer = context.viewer;
    if (viewer.kind !== 'partner') return this.options.policy;
    let grants = new Set<string>();
    try {
      if (this.options.partnerConsents) grants = await this.options.partnerConsents.grants(viewer.partnerId, [...ownersIn(data)]);
    } catch (error) {
      this.options.logger.error('partner consents could not be read; withholding PII', {
        requestId: context.requestId,
        error: String(error),
      });
    }
    return { ...this.options.policy, partnerConsent: (_partner, ownerId, category) => grants.has(`${ownerId} ${category}`) };
  }

  private wrap(executor: GatewayExecutor): GatewayExecutor {
    return async (rc) => {
      const state = this.state;
      if (!state) throw new Error('PII rules are not built yet');
      const analysis = this.analyse(state, rc);
      if (!analysis.touchesPii) return executor(rc);

      const context = rc.context as unknown as GatewayContext;
      // Owner ids cost a field per object through the subgraph call and the planner's
      // result shaping; fetch them only for viewers whose access they decide or log.
      const augmented = ownerNeeded(context.viewer) ? analysis.withOwners : analysis.withoutOwners;
      const planned = await executor(
        augmented
          ? ({
              ...rc,
              document: augmented.document,
              source: augmented.source,
              queryHash: augmented.queryHash,
              operation: augmented.operation ?? rc.operation,
            } as GatewayGraphQLRequestContext)
          : rc,
      );
      if (!planned.data) return { ...planned, errors: planned.errors?.map((e) => withoutReservedPath(e as GraphQLError)) };

      const piiContext: PiiExecutionContext = {
        viewer: context.viewer,
        policy: await this.policyFor(context, planned.data),
        disclosures: [],
      };
      const guarded = await executeGuarded({
        schema: state.guarded,
        marks: state.marks,
        document: analysis.pruned ?? rc.document,
        operationName: rc.operationName,
        variables: rc.request.variables,
        data: planned.data as Record<string, unknown>,
        contextValue: piiContext,
      });
      const data = guarded.data;
      // A subgraph may refuse a PII field itself (defence in depth); the gateway's own
      // FORBIDDEN for that path already says so, once per path pattern.
      const deniedPatterns = new Set(guarded.denials.map((d) => d.pattern));
      const plannedErrors = ((planned.errors ?? []) as GraphQLError[])
        .filter((e) => !(e.extensions?.code === 'FORBIDDEN' && e.path && deniedPatterns.has(pathPattern(e.path))))
        .map(withoutReservedPath);
      const errors: GraphQLError[] = [...plannedErrors, ...guarded.errors, ...denialErrors(guarded.denials)];

      if (data && piiContext.disclosures.length > 0) {
        const entries = entriesFor(piiContext.disclosures, {
          viewer: context.viewer,
          requestId: context.requestId,
          operationName: rc.operationName,
        });
        try {
          await this.options.accessLog.record(entries);
        } catch (error) {
          this.options.logger.error('PII access log write failed; withholding PII', { requestId: context.requestId, error: String(error) });
          withhold(piiContext.disclosures);
          errors.push(
            new GraphQLError('Personal data was withheld because its access could not be logged. Try again shortly.', {
              extensions: { code: 'SERVICE_UNAVAILABLE' },
            }),
          );
        }
      }
      return { ...planned, data, errors: errors.length ? errors : undefined };
    };
  }
}
