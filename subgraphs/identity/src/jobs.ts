import { JobError, type JobDefinition } from '@membership/jobs';
import { runPendingExports } from './domain/data-export.js';
import { runDueErasures } from './domain/erasure.js';
import { remindExpiringVerifications } from './domain/verification-reminders.js';
import { systemServices, type IdentityOptions } from './services.js';
import { deliverDue } from './domain/delivery.js';
import { loadIdentityEnv } from './env.js';
import { deliveryDeps, notifierMode } from './notifications/setup.js';
import { RetentionRepository } from './db/retention-repository.js';
import { purgeExpiredRecords } from './domain/retention.js';

/** Erases members whose grace period is over, batch after batch until none is left. */
export function erasuresJob(options: IdentityOptions): JobDefinition {
  const deps = systemServices(options).erasure;
  return {
    name: 'identity.erasures',
    every: '1h',
    async run({ now }) {
      let erased = 0;
      const failed: string[] = [];
      for (;;) {
        const run = await runDueErasures(deps, now);
        erased += run.erased.length;
        failed.push(...run.failed);
        if (run.erased.length === 0) break;
      }
      const result = { erased, failed: failed.length };
      // Failed requests stay pending; failing the run makes the scheduler retry them soon.
      if (failed.length > 0) throw new JobError(`${failed.length} erasure(s) failed and stay pending`, result);
      return result;
    },
  };
}

/** Assembles pending data exports from every subgraph and drops expired ones. */
export function exportsJob(options: IdentityOptions): JobDefinition {
  const deps = systemServices(options).dataExport;
  return {
    name: 'identity.exports',
    every: '5m',
    async run({ now }) {
      const run = await runPendingExports(deps, now);
      const result = { ready: run.ready.length, failed: run.failed.length, expired: run.expired };
      // The member sees FAILED and may ask again; the run is a failure for whoever watches jobRuns.
      if (run.failed.length > 0) throw new JobError(`${run.failed.length} export(s) failed`, result);
      return result;
    },
  };
}

/** Reminds members whose real-name verification lapses soon (once per verification). */
export function verificationRemindersJob(options: IdentityOptions): JobDefinition {
  const deps = systemServices(options).reminders;
  return {
    name: 'identity.verification-reminders',
    every: '24h',
    async run({ now }) {
      return { reminded: await remindExpiringVerifications(deps, now) };
    },
  };
}

/** Sends queued messages that are due (retries, and any whose first attempt did not run), batch after batch. */
function deliveriesJob(options: IdentityOptions): JobDefinition {
  const deps = deliveryDeps(loadIdentityEnv(options.env), options.database.db, options.logger);
  return {
    name: 'identity.notifications',
    every: '1m',
    async run({ now }) {
      const total = { sent: 0, retrying: 0, failed: 0, expired: 0 };
      for (;;) {
        const run = await deliverDue(deps, now);
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += run[key];
        if (run.sent + run.retrying + run.failed + run.expired === 0) break;
      }
      return total;
    },
  };
}

/** Removes what is past its retention period (docs/DATA-RETENTION.md): logs, spent credentials, finished messages, consumed events. */
function retentionJob(options: IdentityOptions): JobDefinition {
  const env = loadIdentityEnv(options.env);
  const deps = {
    retention: new RetentionRepository(options.database.db),
    policy: {
      piiAccessLogDays: env.RETENTION_PII_ACCESS_LOG_DAYS,
      staffOperationLogDays: env.RETENTION_STAFF_OPERATION_LOG_DAYS,
      expiredCredentialDays: env.RETENTION_EXPIRED_CREDENTIALS_DAYS,
      notificationDays: env.RETENTION_NOTIFICATIONS_DAYS,
      eventLogDays: env.RETENTION_EVENT_LOG_DAYS,
    },
  };
  return {
    name: 'identity.retention',
    every: '24h',
    run: ({ now }) => purgeExpiredRecords(deps, now),
  };
}

/** Identity's scheduled jobs; the delivery job only where messages are delivered (NOTIFIER=deliver). */
export function identityJobs(options: IdentityOptions): JobDefinition[] {
  const delivering = notifierMode(loadIdentityEnv(options.env)) === 'deliver';
  return [
    erasuresJob(options),
    exportsJob(options),
    verificationRemindersJob(options),
    retentionJob(options),
    ...(delivering ? [deliveriesJob(options)] : []),
  ];
}
