import { fileURLToPath } from 'node:url';
import type { DocumentNode } from 'graphql';
import { baseEnvShape, parseEnv, secretEnv, z, type BaseEnv, type Logger } from '@membership/config';
import type { Database, Db } from '@membership/db';
import { EventConsumer, type EventHandlers, type InboxTable, type OutboxTable } from '@membership/events';
import type { JobDefinition } from '@membership/jobs';
import type { Viewer } from '@membership/viewer';
import type { FieldRules } from './guard.js';
import { loadTypeDefs, type BaseSubgraphContext, type SubgraphDefinition, type SubgraphResolvers } from './server.js';

/** What every subgraph's factory receives, whether it runs alone or beside the others. */
export interface SubgraphModuleOptions {
  database: Database;
  /** Environment to read the subgraph's own settings from (defaults to process.env). */
  env?: Record<string, string | undefined>;
  /** Injectable clock, so expiry, grace periods and SLAs are testable. */
  now?: () => Date;
  logger: Logger;
  /**
   * Where the other servers of this process listen, by subgraph name, filled in by the host
   * once they do (tests start them on random ports). A module that calls another server
   * reads it at call time and falls back to the URL in its env.ts (orders -> points).
   */
  serverUrls?: Readonly<Record<string, string>>;
}

/** A subgraph as the process hosting it sees it: schema, tables, events, jobs and where to listen. */
export interface SubgraphModule {
  name: string;
  definition: SubgraphDefinition<BaseSubgraphContext>;
  migrationsFolder: string;
  /** The subgraph's outbox, when it produces events. */
  producer?: OutboxTable;
  /** The subgraph's queue reader, when it consumes events. */
  consumer?: EventConsumer;
  /** Jobs the host runs on a schedule (@membership/jobs), beside any it adds itself. */
  jobs?: JobDefinition[];
  port: number;
  host: string;
  /** Service name -> Ed25519 public key of each service whose calls this subgraph accepts. */
  trustedKeys: Record<string, string>;
}

/**
 * Settings every subgraph server reads: the shared ones, where it listens, and the public
 * keys of the services it may accept calls from. No secret: a subgraph that needs one
 * (identity) lists it in its own `extra`.
 */
export type SubgraphEnv = BaseEnv & {
  PORT: number;
  HOST: string;
  GATEWAY_PUBLIC_KEY: string;
  /** Absent where the subgraph does not accept identity's calls (identity itself). */
  IDENTITY_PUBLIC_KEY?: string;
  /** Present only where the subgraph accepts orders' calls (points). */
  ORDERS_PUBLIC_KEY?: string;
};

/** The services whose calls a subgraph may accept, each proven by its public key. */
export type TrustedService = 'gateway' | 'identity' | 'orders';

/**
 * A subgraph's `env.ts` in one line: the shared settings, PORT (default `defaultPort`),
 * HOST, and the subgraph's own `extra` settings, parsed with zod when called.
 *
 * @example export const loadTiersEnv = subgraphEnv(4102);
 * @example export const loadIdentityEnv = subgraphEnv(4101, { ERASURE_GRACE_DAYS: z.coerce.number().int().default(15) });
 */
export function subgraphEnv<S extends z.ZodRawShape = Record<never, never>>(
  defaultPort: number,
  extra?: S,
  /** Whose public keys to read: those of the services the subgraph trusts (its spec's `trusts`). */
  options: { trusts?: readonly TrustedService[] } = {},
) {
  const trusts = options.trusts ?? ['gateway', 'identity'];
  const shape = {
    ...baseEnvShape,
    PORT: z.coerce.number().int().min(0).default(defaultPort),
    HOST: z.string().default('127.0.0.1'),
    // Public keys only: a subgraph verifies the gateway's and identity's calls and can sign neither.
    // A key it does not use is not asked for (production refuses to start without each one read).
    GATEWAY_PUBLIC_KEY: secretEnv.GATEWAY_PUBLIC_KEY,
    ...(trusts.includes('identity') ? { IDENTITY_PUBLIC_KEY: secretEnv.IDENTITY_PUBLIC_KEY } : {}),
    ...(trusts.includes('orders') ? { ORDERS_PUBLIC_KEY: secretEnv.ORDERS_PUBLIC_KEY } : {}),
    ...(extra ?? ({} as S)),
  };
  // parseEnv fills the development secrets BaseEnv declares as present.
  return (source?: Record<string, string | undefined>) =>
    parseEnv(shape, source) as unknown as Omit<z.infer<z.ZodObject<S>>, keyof SubgraphEnv> & SubgraphEnv;
}

/** What a subgraph's setup, jobs and request contexts are built from, once per module instance. */
export interface ModuleInit<Env, Options extends SubgraphModuleOptions = SubgraphModuleOptions> {
  /** The database handle repositories take. */
  db: Db;
  database: Database;
  env: Env;
  /** The clock: the injected one in tests, the system's otherwise. */
  now: () => Date;
  logger: Logger;
  /** Everything the factory was called with, for subgraph-specific options. */
  options: Options;
}

/** What a request's context is built from: the module's pieces plus who is asking. */
export interface RequestScope<Env, Shared, Options extends SubgraphModuleOptions = SubgraphModuleOptions> extends ModuleInit<Env, Options> {
  /** The caller, verified from the gateway's signed header. */
  viewer: Viewer;
  requestId: string;
  /** What `setup` built once for this module instance. */
  shared: Shared;
}

/** A subgraph, declared: only what is its own. {@link defineSubgraph} makes the rest. */
export interface SubgraphSpec<
  Ctx extends BaseSubgraphContext,
  Env extends SubgraphEnv,
  Shared = undefined,
  Options extends SubgraphModuleOptions = SubgraphModuleOptions,
> {
  /** The subgraph's name in the supergraph; also its Postgres schema and event source name. */
  name: string;
  /** The SDL file: `new URL('./schema.graphql', import.meta.url)`. */
  schema: URL;
  /** The migrations folder: `new URL('../migrations', import.meta.url)`. */
  migrations: URL;
  /** The subgraph's env.ts loader, e.g. `subgraphEnv(4102)`. */
  env: (source?: Record<string, string | undefined>) => Env;
  /** Resolvers typed with the subgraph's generated `Resolvers` (src/generated/resolvers-types.ts). */
  resolvers: SubgraphResolvers;
  /** graphql-shield rules; root fields not named are denied. */
  rules: FieldRules;
  /** Built once per module instance (clients, key rings): what every request shares. */
  setup?: (init: ModuleInit<Env, Options>) => Shared;
  /**
   * The request's context beyond viewer and requestId: repositories built here with the
   * viewer's scope (`new OrdersRepository(db, ordersScopeFor(viewer))`) and the loaders over them.
   */
  context: (scope: RequestScope<Env, Shared, Options>) => Omit<Ctx, keyof BaseSubgraphContext>;
  /** The outbox table, when the subgraph produces events. */
  outbox?: OutboxTable;
  /**
   * The inbox table and handlers, when the subgraph consumes events; `handlers` may be built
   * from the module's env (points earns by its configured rates).
   */
  consumer?: { inbox: InboxTable; handlers: EventHandlers | ((init: ModuleInit<Env, Options>) => EventHandlers) };
  /** Scheduled jobs; they reach the database through `init.db`. */
  jobs?: (init: ModuleInit<Env, Options> & { shared: Shared }) => JobDefinition[];
  /**
   * Whose signed calls this subgraph accepts: the gateway (callers it forwards, and itself)
   * and identity (its export job). Default both; identity accepts the gateway only.
   */
  trusts?: TrustedService[];
}

/** A declared subgraph: its fixed parts, and `create` to build a running instance's module. */
export interface DefinedSubgraph<Options extends SubgraphModuleOptions = SubgraphModuleOptions> {
  name: string;
  typeDefs: DocumentNode;
  migrationsFolder: string;
  create(options: Options): SubgraphModule;
}

/**
 * The one way to build a subgraph: it declares its SDL, resolvers, rules, per-request
 * context, events and jobs; this wires env, schema, migrations, the consumer and the
 * server settings the same way for every subgraph.
 *
 * @example
 * export const tiers = defineSubgraph<TiersContext, TiersEnv>({
 *   name: 'tiers',
 *   schema: new URL('./schema.graphql', import.meta.url),
 *   migrations: new URL('../migrations', import.meta.url),
 *   env: loadTiersEnv,
 *   resolvers,
 *   rules,
 *   context: ({ db, now }) => {
 *     const tiers = new TiersRepository(db);
 *     return { tiers, now, loaders: createLoaders(tiers) };
 *   },
 *   outbox,
 *   consumer: { inbox, handlers: tiersHandlers },
 * });
 */
export function defineSubgraph<
  Ctx extends BaseSubgraphContext,
  Env extends SubgraphEnv,
  Shared = undefined,
  Options extends SubgraphModuleOptions = SubgraphModuleOptions,
>(spec: SubgraphSpec<Ctx, Env, Shared, Options>): DefinedSubgraph<Options> {
  const typeDefs = loadTypeDefs(spec.schema);
  const migrationsFolder = fileURLToPath(spec.migrations);
  return {
    name: spec.name,
    typeDefs,
    migrationsFolder,
    create(options) {
      const env = spec.env(options.env);
      const now = options.now ?? (() => new Date());
      const init: ModuleInit<Env, Options> = {
        db: options.database.db,
        database: options.database,
        env,
        now,
        logger: options.logger,
        options,
      };
      const shared = spec.setup ? spec.setup(init) : (undefined as Shared);
      const definition: SubgraphDefinition<Ctx> = {
        name: spec.name,
        typeDefs,
        resolvers: spec.resolvers,
        rules: spec.rules,
        createContext: (base) => ({ ...spec.context({ ...init, ...base, shared }), ...base }) as Ctx,
      };
      return {
        name: spec.name,
        migrationsFolder,
        producer: spec.outbox,
        consumer: spec.consumer
          ? new EventConsumer(options.database.db, {
              name: spec.name,
              inbox: spec.consumer.inbox,
              handlers: typeof spec.consumer.handlers === 'function' ? spec.consumer.handlers(init) : spec.consumer.handlers,
              logger: options.logger,
              now: options.now,
            })
          : undefined,
        jobs: spec.jobs ? spec.jobs({ ...init, shared }) : [],
        port: env.PORT,
        host: env.HOST,
        trustedKeys: Object.fromEntries((spec.trusts ?? ['gateway', 'identity']).map((service) => [service, trustedKey(env, service)])),
        definition,
      };
    },
  };
}

/** The public key a trusted service's calls are verified with; a trusted service without one is a configuration error. */
function trustedKey(env: SubgraphEnv, service: TrustedService): string {
  const keys: Record<TrustedService, string | undefined> = {
    gateway: env.GATEWAY_PUBLIC_KEY,
    identity: env.IDENTITY_PUBLIC_KEY,
    orders: env.ORDERS_PUBLIC_KEY,
  };
  const key = keys[service];
  if (!key) throw new Error(`This subgraph trusts ${service}'s calls but its env.ts reads no public key for it (subgraphEnv's trusts).`);
  return key;
}

/** A member as the subgraphs that do not own members know one: by id (identity owns the rest). */
export type MemberRef = { id: string };
