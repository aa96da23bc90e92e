import { GraphQLError, type ValidationRule } from 'graphql';
import { RESERVED_ALIAS_PREFIX } from './augment.js';

/** Refuses client aliases in the gateway's reserved namespace, so none can smuggle or shadow an owner id. */
export const noReservedAliases: ValidationRule = (context) => ({
  Field(node) {
    if (node.alias?.value.startsWith(RESERVED_ALIAS_PREFIX)) {
      context.reportError(
        new GraphQLError(`Aliases starting with "${RESERVED_ALIAS_PREFIX}" are reserved by the gateway; choose another alias.`, {
          nodes: [node],
          extensions: { code: 'BAD_USER_INPUT' },
        }),
      );
    }
  },
});
