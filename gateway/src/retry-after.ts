import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from './context.js';

/**
 * An answer that says "wait" (an error with `extensions.retryAfterSeconds`: a locked account,
 * a code asked for too often) also says it the HTTP way, in a `retry-after` header, so HTTP
 * clients, proxies and SDK retry policies honour it without reading the body. The status stays
 * 200: the rest of the response may hold data. The longest wait wins.
 */
export const retryAfterPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single' || response.http.headers.has('retry-after')) return;
        const waits = (response.body.singleResult.errors ?? [])
          .map((e) => Number(e.extensions?.retryAfterSeconds))
          .filter((seconds) => Number.isFinite(seconds) && seconds > 0);
        if (waits.length > 0) response.http.headers.set('retry-after', String(Math.ceil(Math.max(...waits))));
      },
    };
  },
};
