/** Aliases with this prefix belong to the gateway; clients may not use them. */
export const RESERVED_ALIAS_PREFIX = '_pii_';
/** Alias under which the augmented document carries an object's concrete type. */
export const TYPENAME_ALIAS = `${RESERVED_ALIAS_PREFIX}typename`;
/** Alias under which the augmented document carries the owner id of a `type`. */
export const ownerAlias = (typeName: string) => `${RESERVED_ALIAS_PREFIX}owner_${typeName}`;
