/** Aliases with this prefix belong to the gateway; clients may not use them. */
export const RESERVED_ALIAS_PREFIX = '_pii_';
/** Alias under which the augmented document carries an object's concrete type. */
export const TYPENAME_ALIAS = `${RESERVED_ALIAS_PREFIX}typename`;
const ownerAliases = new Map<string, string>();
/**
 * Alias under which the augmented document carries the owner id of a `type`. Kept per
 * type name (the schema's, a bounded set): the same string on every property read is
 * cheaper than a new one per value.
 */
export function ownerAlias(typeName: string): string {
  let alias = ownerAliases.get(typeName);
  if (alias === undefined) ownerAliases.set(typeName, (alias = `${RESERVED_ALIAS_PREFIX}owner_${typeName}`));
  return alias;
}
