import type { Database } from '@membership/db';
import { openTestSession } from '@membership/testing';
import { issueAccessToken, type Viewer } from '@membership/viewer';
import { BENCH_VIEWER_HEADER, type GatewayKind } from './gateway-config.js';

/** One kind of request the bench sends, with the caller(s) it comes from per gateway. */
export interface Workload {
  key: 'a' | 'b' | 'c';
  name: string;
  body: string;
  /** Headers sent with every request to every gateway. */
  headers: Record<string, string>;
  /** Per-request callers, round-robin, by gateway (ours gets tokens, the plain ones the bench viewer). */
  callers: Record<GatewayKind, Record<string, string>[]>;
  /** What each caller's answer must contain (their own id), in the order of `callers`. */
  expects?: string[];
}

/** (a) What a member's app shows on its home screen: all five subgraphs, the member's own data. */
const DASHBOARD = `query Dashboard {
  me {
    id displayName email phone registeredAt
    tier { code name pointsMultiplier } tierSince
    pointsBalance
    pointsHistory(first: 5) { edges { node { id delta reason occurredAt } } }
    orders(first: 5) { edges { node { id status placedAt total { amount currency } lines { sku title quantity } } } }
    standing { status activeSanctions { kind reason } }
  }
}`;

/** (b) A support screen: the newest 50 members with tier, balance, last orders and (masked) contact data. */
const STAFF_LIST = `query SupportMemberList {
  members(first: 50) {
    edges { node {
      id displayName email phone
      tier { code name }
      pointsBalance
      orders(first: 3) { edges { node { id placedAt total { amount currency } } } }
    } }
  }
}`;

/**
 * (c) Entities three subgraph hops deep, like the public gateways benchmark:
 * identity (members) → orders (their orders, each order's member) → identity, tiers and
 * points (that member's name, tier and balance).
 */
const DEEP = `query DeepNested {
  members(first: 10) {
    edges { node {
      id displayName
      orders(first: 3) { edges { node {
        id total { amount currency }
        member { id displayName tier { code name } pointsBalance }
      } } }
    } }
  }
}`;

// The support role's scopes: orders, balances and tiers are behaviour (`@pii(category: BEHAVIOUR)`),
// so the bench's staff viewer holds pii:behaviour:read and states a purpose, as support does.
const STAFF_SCOPES = ['members:read', 'orders:read', 'points:read', 'tiers:read', 'pii:contact:masked', 'pii:behaviour:read'];

const body = (query: string) => JSON.stringify({ query });

async function callers(viewers: { viewer: Viewer; token: string }[]): Promise<Record<GatewayKind, Record<string, string>[]>> {
  const ours = viewers.map((v) => ({ authorization: `Bearer ${v.token}` }));
  const plain = viewers.map((v) => ({ [BENCH_VIEWER_HEADER]: JSON.stringify(v.viewer) }));
  return { ours, candidate: ours, apollo: plain, hive: plain };
}

/** The three workloads, with tokens signed by `jwtSecret` for ours. */
export async function buildWorkloads(options: {
  jwtSecret: string;
  dashboardMembers: string[];
  /** Where to open the tokens' sessions; absent when the workloads are only read (their cost), never sent. */
  database?: Database;
}): Promise<Workload[]> {
  const ttl = { ttlSeconds: 24 * 3600 };
  const session = async (kind: 'member' | 'staff', id: string) =>
    options.database ? openTestSession(options.database, kind, id) : undefined;
  // Each token names a live session, which the gateway checks with identity (cached for seconds).
  const members = await Promise.all(
    options.dashboardMembers.map(async (memberId) => ({
      viewer: { kind: 'member', memberId } as Viewer,
      token: (await issueAccessToken({ sub: memberId, kind: 'member', sid: await session('member', memberId) }, options.jwtSecret, ttl))
        .token,
    })),
  );
  const staffId = '00000000-0000-4000-8000-0000000be4c5';
  const staff = {
    viewer: { kind: 'staff', staffId, scopes: STAFF_SCOPES, purpose: 'support' } as Viewer,
    token: (
      await issueAccessToken(
        { sub: staffId, kind: 'staff', scope: STAFF_SCOPES.join(' '), sid: await session('staff', staffId) },
        options.jwtSecret,
        ttl,
      )
    ).token,
  };
  const json = { 'content-type': 'application/json' };
  return [
    {
      key: 'a',
      name: 'member dashboard (`me`, 5 subgraphs)',
      body: body(DASHBOARD),
      headers: json,
      callers: await callers(members),
      expects: options.dashboardMembers.map((id) => `"me":{"id":"${id}"`),
    },
    {
      key: 'b',
      name: 'staff list: 50 members, tier, balance, 3 orders, masked contact',
      body: body(STAFF_LIST),
      headers: { ...json, 'x-access-purpose': 'support' },
      callers: await callers([staff]),
    },
    {
      key: 'c',
      name: 'deep nested: 3 subgraph hops (10 members × 3 orders × member)',
      body: body(DEEP),
      headers: { ...json, 'x-access-purpose': 'support' },
      callers: await callers([staff]),
    },
  ];
}
