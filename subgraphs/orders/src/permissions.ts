import { isMember, isOwnerOrStaff, isStaffWith, type FieldRules, or } from '@membership/subgraph';
import { ORDERS_READ } from './domain/access.js';

/** Who may call what in orders; anything not named here is refused. */
export const rules: FieldRules = {
  Query: {
    // Whose order it is is decided by the repository's scope: a member asking for
    // someone else's order gets NOT_FOUND, never the order.
    order: or(isMember, isStaffWith(ORDERS_READ)),
  },
  Member: {
    orders: isOwnerOrStaff(ORDERS_READ),
  },
};
