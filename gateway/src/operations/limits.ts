import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { GatewayEnv } from '../env.js';
import { costLimitPlugin } from './cost.js';
import { oneErrorPerMessage } from './validation-errors.js';

export type OperationLimitsEnv = Pick<
  GatewayEnv,
  'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_TOKENS' | 'MAX_DIRECTIVES' | 'MAX_COST' | 'COST_DEFAULT_LIST_SIZE' | 'MAX_VALIDATION_ERRORS'
>;

/**
 * Size limits on every operation: depth, aliases and directives (GraphQL Armor), tokens
 * (the parser), cost (ours, with the request's variables) and validation errors. An
 * operation over a limit is refused with 400 and a message naming the limit before any
 * subgraph is called.
 *
 * What armor does not do here, and why:
 * - Field suggestions depend on who is asking, which `suggestionsPlugin` decides.
 * - Tokens: armor's Apollo version parses every document a second time and, when it
 *   refuses, throws out of the request pipeline as a 500; graphql-js stops the one parse
 *   Apollo does and the refusal is a 400 GRAPHQL_PARSE_FAILED.
 * - Cost: armor multiplies by `first`/`last` only when written as literals, so
 *   `first: $n` cost as one item; `costLimitPlugin` reads variables and defaults.
 * - Aliases: armor leaves `__typename` out of the count by default; it is counted, since
 *   a hundred copies of it are a hundred fields to answer like any other.
 */
export function operationLimits(env: OperationLimitsEnv): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  validationOptions: { maxErrors: number };
} {
  // A fresh config each time: armor's protect() adds its reporters to the objects it is given.
  const { plugins, validationRules } = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxDepth: { n: env.MAX_DEPTH },
    maxAliases: { n: env.MAX_ALIASES, allowList: [] },
    maxTokens: { enabled: false },
    maxDirectives: { n: env.MAX_DIRECTIVES },
    costLimit: { enabled: false },
  }).protect();
  return {
    plugins: [...plugins, costLimitPlugin({ maxCost: env.MAX_COST, defaultListSize: env.COST_DEFAULT_LIST_SIZE })],
    validationRules: [oneErrorPerMessage, ...validationRules],
    parseOptions: { maxTokens: env.MAX_TOKENS },
    // graphql-js stops validating after this many (distinct, see oneErrorPerMessage) errors.
    validationOptions: { maxErrors: env.MAX_VALIDATION_ERRORS },
  };
}
