import { randomUUID } from 'node:crypto';
import { deliveries, eventLog, parsePayload, type EventInput, type EventType } from '@membership/events';
import type { TestStack } from '@membership/testing';

/**
 * Publishes an event as its producer would, straight into the broker and only to tiers'
 * queue (the producers' own paths are built elsewhere); drain to apply it. The payload is
 * checked against the contract first. Pass `eventId` to deliver the same event again.
 */
export async function publishToTiers<T extends EventType>(
  stack: TestStack,
  type: T,
  payload: EventInput[T],
  at: Date,
  eventId: string = randomUUID(),
): Promise<string> {
  const checked = parsePayload(type, payload);
  const { db } = stack.database;
  await db
    .insert(eventLog)
    .values({ eventId, type, producer: 'test', payload: checked, occurredAt: at, publishedAt: at })
    .onConflictDoNothing();
  // A delivery already done is queued again: the broker redelivering it.
  await db
    .insert(deliveries)
    .values({ consumer: 'tiers', eventId, availableAt: at })
    .onConflictDoUpdate({ target: [deliveries.consumer, deliveries.eventId], set: { deliveredAt: null, availableAt: at } });
  return eventId;
}

/** Registers a member through the gateway and drains the events, so they hold their starting tier. */
export async function registerMember(stack: TestStack, name: string): Promise<{ id: string; token: string }> {
  const res = await stack.gql(
    `mutation ($input: RegisterInput!) { register(input: $input) { accessToken member { id } } }`,
    // In English: the tests read notices' English words (new members default to Chinese).
    {
      input: {
        email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`,
        password: `${name}-pass-2026!x`,
        displayName: name,
        language: 'EN',
      },
    },
  );
  if (res.body.errors) throw new Error(`register ${name}: ${JSON.stringify(res.body.errors)}`);
  await stack.drainEvents();
  return { id: res.body.data.register.member.id, token: res.body.data.register.accessToken };
}
