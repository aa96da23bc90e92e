import { describe, expect, it } from 'vitest';
import { afterFailure, loadJobsEnv, parseInterval, slotAfter } from '../../src/index.js';

const at = (iso: string) => new Date(iso);

describe('intervals', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('15m')).toBe(900_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(parseInterval('24h')).toBe(86_400_000);
    expect(parseInterval('7d')).toBe(7 * 86_400_000);
  });

  it.each(['', '15', 'm', '1.5h', '-1h', '0m', '1w', 'hourly'])('refuses %j with a message that shows the form', (text) => {
    expect(() => parseInterval(text)).toThrow(/e\.g\. 30s, 15m|longer than zero/);
  });
});

describe('slots', () => {
  it('fall on multiples of the interval, so 1h is on the hour and 24h at midnight UTC', () => {
    expect(slotAfter(at('2030-03-04T10:17:05Z'), parseInterval('1h'))).toEqual(at('2030-03-04T11:00:00Z'));
    expect(slotAfter(at('2030-03-04T10:17:05Z'), parseInterval('24h'))).toEqual(at('2030-03-05T00:00:00Z'));
    expect(slotAfter(at('2030-03-04T10:17:05Z'), parseInterval('15m'))).toEqual(at('2030-03-04T10:30:00Z'));
  });

  it('is strictly after now, also when now is exactly on a slot', () => {
    expect(slotAfter(at('2030-03-04T10:00:00Z'), parseInterval('1m'))).toEqual(at('2030-03-04T10:01:00Z'));
  });

  it('is the same for every instance inside one slot, whenever each looks', () => {
    const every = parseInterval('1m');
    expect(slotAfter(at('2030-03-04T10:00:01Z'), every)).toEqual(slotAfter(at('2030-03-04T10:00:59.999Z'), every));
  });
});

describe('after a failed attempt', () => {
  const policy = { maxAttempts: 3, retryDelayMs: 60_000 };
  const now = at('2030-03-04T10:05:00Z');
  const nextSlot = at('2030-03-04T11:00:00Z');

  it('retries after the delay, doubling it for each further attempt', () => {
    expect(afterFailure(now, 1, nextSlot, policy)).toEqual({ nextRunAt: at('2030-03-04T10:06:00Z'), failures: 1 });
    expect(afterFailure(now, 2, nextSlot, policy)).toEqual({ nextRunAt: at('2030-03-04T10:07:00Z'), failures: 2 });
  });

  it('waits for the next slot once the attempts are used up', () => {
    expect(afterFailure(now, 3, nextSlot, policy)).toEqual({ nextRunAt: nextSlot, failures: 0 });
  });

  it('waits for the next slot when a retry would come after it', () => {
    expect(afterFailure(at('2030-03-04T10:59:30Z'), 1, nextSlot, policy)).toEqual({ nextRunAt: nextSlot, failures: 0 });
  });
});

describe('configuration', () => {
  it('has defaults that run jobs', () => {
    expect(loadJobsEnv({})).toEqual({
      JOBS_ENABLED: true,
      JOB_SCHEDULE: {},
      JOB_POLL_INTERVAL: 15_000,
      JOB_MAX_ATTEMPTS: 3,
      JOB_RETRY_DELAY: 60_000,
      JOB_LEASE: 1_800_000,
    });
  });

  it('reads JOB_SCHEDULE as job name to interval or off', () => {
    const env = loadJobsEnv({ JOB_SCHEDULE: '{"identity.erasures":"24h","identity.exports":"off"}', JOBS_ENABLED: 'false' });
    expect(env.JOB_SCHEDULE).toEqual({ 'identity.erasures': '24h', 'identity.exports': 'off' });
    expect(env.JOBS_ENABLED).toBe(false);
  });

  it('refuses a JOB_SCHEDULE it cannot read, naming the variable and the bad interval', () => {
    expect(() => loadJobsEnv({ JOB_SCHEDULE: '{"identity.erasures":"daily"}' })).toThrow(/JOB_SCHEDULE: .*"daily" is not an interval/);
    expect(() => loadJobsEnv({ JOB_SCHEDULE: 'identity.erasures=1h' })).toThrow(/JOB_SCHEDULE: must be a JSON object/);
    expect(() => loadJobsEnv({ JOB_RETRY_DELAY: '5' })).toThrow(/JOB_RETRY_DELAY/);
  });
});
