import { generateKeyPairSync } from 'node:crypto';
import type { Viewer } from '@membership/viewer';

/** What the bench hands each gateway process. */
export interface BenchGatewayConfig {
  kind: GatewayKind;
  /** Supergraph SDL with every subgraph's URL already pointing at the bench's servers. */
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  jwtSecret: string;
  /** The gateway's Ed25519 private key (base64 JWK); the subgraphs hold its public half. */
  signingKey: string;
  /** For `candidate`: the entry file of another copy of gateway/src to measure beside ours. */
  candidateEntry?: string;
  /** Ours only: the PII layer on (the default) or off, to measure what it costs. */
  pii?: boolean;
  /** Ours only: share identical in-flight subgraph fetches (the default, as deployed) or not. */
  subgraphDedupe?: boolean;
  /** Ours only: write the PII access log to a no-op sink instead of identity (a bench without identity). */
  accessLogSink?: boolean;
  /** Ours only: no session check, for a bench without identity (tokens are taken as signed). */
  noSessionCheck?: boolean;
}

/** `candidate` is ours built from another copy of gateway/src (BENCH_CANDIDATE), to measure a change. */
export type GatewayKind = 'ours' | 'apollo' | 'hive' | 'candidate';

export const GATEWAY_LABELS: Record<GatewayKind, string> = {
  ours: 'ours (fully on)',
  apollo: 'Apollo Gateway (plain)',
  hive: 'Hive Gateway',
  candidate: 'ours, candidate build',
};

/**
 * The plain gateways have no authentication: the load generator tells them, in this
 * header, which viewer to sign into subgraph calls, so they do the same subgraph work
 * as ours does for the same caller. Ours ignores it and verifies a JWT instead.
 */
export const BENCH_VIEWER_HEADER = 'x-bench-viewer';

export function viewerFromBenchHeader(value: string | null | undefined): Viewer {
  if (!value) return { kind: 'anonymous' };
  return JSON.parse(value) as Viewer;
}

/** Points every `join__Graph` URL of a supergraph at the given servers. */
export function withSubgraphUrls(supergraphSdl: string, urls: Record<string, string>): string {
  return supergraphSdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
}

/** A fresh Ed25519 key pair for one bench run, as the environment holds keys (base64 JWK). */
export function benchKeyPair(): { privateKey: string; publicKey: string } {
  const pair = generateKeyPairSync('ed25519');
  const b64 = (jwk: object) => Buffer.from(JSON.stringify(jwk)).toString('base64');
  return { privateKey: b64(pair.privateKey.export({ format: 'jwk' })), publicKey: b64(pair.publicKey.export({ format: 'jwk' })) };
}
