import type { Db } from '@membership/db';
import type { KeyRing } from '../domain/encryption.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { IdentityStores } from '../domain/stores.js';
import { BansRepository } from './bans-repository.js';
import { ConsentsRepository } from './consents-repository.js';
import { DataExportsRepository } from './data-exports-repository.js';
import { ErasureRepository } from './erasure-repository.js';
import { InboxRepository } from './inbox-repository.js';
import { MembersRepository } from './members-repository.js';
import { PartnersRepository } from './partners-repository.js';
import { PasswordResetCodesRepository } from './password-reset-codes-repository.js';
import { PiiAccessLogRepository } from './pii-access-log-repository.js';
import { RegistrationCodesRepository } from './registration-codes-repository.js';
import { SessionsRepository } from './sessions-repository.js';
import { StaffOperationLogRepository } from './staff-operation-log.js';
import { StaffRepository } from './staff-repository.js';
import { VerificationsRepository } from './verifications-repository.js';

/**
 * Every identity repository over `db` (the database or a transaction), seen through
 * `scope`: built per request with the viewer's scope, or by a job with an explicit one.
 * `transaction` is the only way identity opens a transaction: it hands `work` the same
 * repositories bound to it.
 */
export function identityStores(db: Db, ring: KeyRing, scope: MemberDataScope): IdentityStores {
  return {
    members: new MembersRepository(db, ring, scope),
    sessions: new SessionsRepository(db),
    registrationCodes: new RegistrationCodesRepository(db),
    passwordResetCodes: new PasswordResetCodesRepository(db),
    staff: new StaffRepository(db),
    operations: new StaffOperationLogRepository(db),
    bans: new BansRepository(db),
    verifications: new VerificationsRepository(db, ring, scope),
    erasures: new ErasureRepository(db, scope),
    exports: new DataExportsRepository(db, ring, scope),
    consents: new ConsentsRepository(db, scope),
    inbox: new InboxRepository(db, scope),
    piiAccessLog: new PiiAccessLogRepository(db, scope),
    partners: new PartnersRepository(db),
    transaction: (work) => db.transaction((tx) => work(identityStores(tx as unknown as Db, ring, scope))),
  };
}
