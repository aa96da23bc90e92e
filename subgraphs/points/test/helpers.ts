import { randomUUID } from 'node:crypto';
import { deliveries, eventLog, type EventInput } from '@membership/events';
import { callSubgraph, TEST_ENV, type GqlResult, type TestStack } from '@membership/testing';
import { viewerSigner } from '@membership/viewer';

/**
 * Publishes an event as its producer would, straight into the broker and only to points'
 * queue (the other consumers are not under test here); `stack.drainEvents()` applies it.
 */
export async function publishToPoints<T extends keyof EventInput>(
  stack: TestStack,
  type: T,
  payload: EventInput[T],
  at: Date,
  producer = 'orders',
): Promise<string> {
  const eventId = randomUUID();
  const { db } = stack.database;
  await db.insert(eventLog).values({ eventId, type, producer, payload, occurredAt: at, publishedAt: at });
  await db.insert(deliveries).values({ consumer: 'points', eventId, availableAt: at });
  return eventId;
}

/** Orders' own key, as orders signs its calls to points. */
const ordersSigner = () => viewerSigner('orders', TEST_ENV.ORDERS_SIGNING_KEY);

export const HOLD = /* GraphQL */ `
  mutation Hold($input: HoldPointsForOrderInput!) {
    holdPointsForOrder(input: $input) {
      id
      points
      discountAmount
      expiresAt
    }
  }
`;

export interface HoldInput {
  memberId: string;
  orderId: string;
  points: number;
  orderAmount: number;
  currency: string;
  idempotencyKey: string;
}

/** Orders calling points' holdPointsForOrder over HTTP, signed with orders' key. */
export function holdAsOrders(stack: TestStack, input: HoldInput): Promise<GqlResult> {
  return callSubgraph(stack, 'points', HOLD, { input }, { kind: 'service', service: 'orders' }, { signer: ordersSigner() });
}
