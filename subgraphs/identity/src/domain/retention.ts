/**
 * How long identity keeps records that exist only for a while: the periods (config,
 * docs/DATA-RETENTION.md) and the cut-off each gives. Everything older than its cut-off is
 * removed by the retention job, in set-based batches.
 */
export interface RetentionPolicy {
  /** Days the PII access log keeps an entry (members read who accessed their data). */
  piiAccessLogDays: number;
  /** Days the staff operation log keeps an entry. */
  staffOperationLogDays: number;
  /** Days an expired (or used) one-time code or an expired refresh token is kept after it stopped working. */
  expiredCredentialDays: number;
  /** Days a finished message delivery (sent, failed, expired) is kept, for operators. */
  notificationDays: number;
  /** Days an event stays in the log (and in identity's outbox and inbox) once everyone consumed it. */
  eventLogDays: number;
}

/** What each purge removes: rows dated before these instants. */
export interface RetentionCutoffs {
  piiAccessLog: Date;
  staffOperationLog: Date;
  expiredCredentials: Date;
  notifications: Date;
  eventLog: Date;
}

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

function retentionCutoffs(now: Date, policy: RetentionPolicy): RetentionCutoffs {
  return {
    piiAccessLog: daysBefore(now, policy.piiAccessLogDays),
    staffOperationLog: daysBefore(now, policy.staffOperationLogDays),
    expiredCredentials: daysBefore(now, policy.expiredCredentialDays),
    notifications: daysBefore(now, policy.notificationDays),
    eventLog: daysBefore(now, policy.eventLogDays),
  };
}

/** Rows removed, by what they were. */
export type RetentionRun = Record<
  | 'piiAccessLog'
  | 'staffOperationLog'
  | 'registrationCodes'
  | 'passwordResetCodes'
  | 'refreshTokens'
  | 'notificationDeliveries'
  | 'developmentNotifications'
  | 'eventLog'
  | 'outbox'
  | 'inbox',
  number
>;

/** The deletes, each set-based and in batches of at most `batch` rows, returning how many went. */
export interface RetentionStore {
  purge(cutoffs: RetentionCutoffs, batch: number): Promise<RetentionRun>;
}

/** Removes everything past its period. */
export async function purgeExpiredRecords(deps: { retention: RetentionStore; policy: RetentionPolicy }, now: Date): Promise<RetentionRun> {
  return deps.retention.purge(retentionCutoffs(now, deps.policy), 10_000);
}
