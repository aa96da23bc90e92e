import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import { hasScope } from '@membership/viewer';
import type { GatewayContext } from '../context.js';

/** The staff scope that may read the schema: introspection and field suggestions. */
const SCHEMA_READ_SCOPE = 'schema:read';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const introspectionByDocument = new WeakMap<DocumentNode, boolean>();

/** True when any selection in the document, fragments included, is `__schema` or `__type`. */
function selectsIntrospection(document: DocumentNode): boolean {
  // Apollo Server reuses the parsed document of a known query, so this walks each document once.
  const known = introspectionByDocument.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Field(node) {
      if (INTROSPECTION_FIELDS.has(node.name.value)) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  introspectionByDocument.set(document, found);
  return found;
}

/**
 * Introspection only for staff with schema:read. `__typename` stays open to everyone:
 * clients need it for unions and caching, and it tells nothing beyond the data asked for.
 */
export const introspectionPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, contextValue }) {
        if (hasScope(contextValue.viewer, SCHEMA_READ_SCOPE) || !selectsIntrospection(document)) return;
        throw new GraphQLError(`Introspection is only for staff with ${SCHEMA_READ_SCOPE}`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      },
    };
  },
};

// graphql-js ends a message with its suggestion: ` Did you mean "email"?`,
// ` Did you mean "a", "b", or "c"?`, ` Did you mean to use an inline fragment on "X"?`.
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Field, argument, type and enum suggestions ("Did you mean …") are a map of the schema;
 * only staff with schema:read keep them. Runs on the formatted errors, so it covers
 * every phase that can suggest: validation and variable coercion.
 */
export const suggestionsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || hasScope(contextValue.viewer, SCHEMA_READ_SCOPE)) return;
        const errors = response.body.singleResult.errors;
        if (!errors) return;
        response.body.singleResult.errors = errors.map((e) => ({ ...e, message: e.message.replace(SUGGESTION, '') }));
      },
    };
  },
};
