import type { Viewer } from '@membership/viewer';

/** Per-request state of the gateway. */
export interface GatewayContext {
  viewer: Viewer;
  /** Sent back on every error and forwarded to subgraphs, so logs line up. */
  requestId: string;
  /** The client's network address, forwarded (signed) so subgraphs can limit by it. */
  clientAddress?: string;
}
