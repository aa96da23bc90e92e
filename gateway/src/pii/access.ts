// The rule lives in @membership/viewer, so identity applies the very same one to its own fields.
export { NO_PARTNER_CONSENT, decideAccess, ownerDecides, ownerNeeded, type AccessPolicy, type PiiAccess } from '@membership/viewer';
