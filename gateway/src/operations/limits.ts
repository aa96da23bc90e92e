import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { GatewayEnv } from '../env.js';

export type OperationLimitsEnv = Pick<GatewayEnv, 'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_TOKENS' | 'MAX_DIRECTIVES' | 'MAX_COST'>;

/**
 * Size limits on every operation (GraphQL Armor): depth, aliases, tokens, directives
 * and estimated cost. An operation over a limit fails parsing or validation, so it is
 * refused with a message naming the limit before any subgraph is called.
 *
 * Two armor protections are off. Field suggestions depend on who is asking, which
 * `suggestionsPlugin` decides. The token limit is graphql-js's own (`parseOptions.maxTokens`):
 * armor's Apollo version parses every document a second time and, when it refuses,
 * throws out of the request pipeline as a 500; graphql-js stops the one parse Apollo
 * does and the refusal is a 400 GRAPHQL_PARSE_FAILED.
 */
export function operationLimits(env: OperationLimitsEnv): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
} {
  // A fresh config each time: armor's protect() adds its reporters to the objects it is given.
  const { plugins, validationRules } = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: env.MAX_DEPTH },
    maxAliases: { n: env.MAX_ALIASES },
    maxTokens: { enabled: false },
    maxDirectives: { n: env.MAX_DIRECTIVES },
    costLimit: { maxCost: env.MAX_COST },
  }).protect();
  return { plugins, validationRules, parseOptions: { maxTokens: env.MAX_TOKENS } };
}
