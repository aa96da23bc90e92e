import { VIEWER_HEADER, forwardedCaller } from '@membership/viewer';

interface SharedResponse {
  status: number;
  headers: [string, string][];
  text: string;
}

const isMutation = (body: string) => /^\s*\{\s*"query"\s*:\s*"\s*mutation\b/.test(body);

/**
 * Shares one subgraph fetch among identical requests in flight at the same moment.
 * Identical means the same URL, the same body (operation and variables) and the same
 * caller from the signed viewer's claims (each header differs: it carries its own request
 * id and times), so no caller ever receives an answer fetched for
 * another. Mutations are never shared. Each sharer gets its own Response to parse, so
 * no object is shared between requests' results.
 */
export function deduplicatingFetch(fetchOnce: (url: string, init: RequestInit) => Promise<Response>) {
  const inflight = new Map<string, Promise<SharedResponse>>();
  return async (url: string, init: RequestInit): Promise<Response> => {
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body === undefined || isMutation(body)) return fetchOnce(url, init);
    const key = `${url}\n${forwardedCaller(new Headers(init.headers).get(VIEWER_HEADER))}\n${body}`;
    let shared = inflight.get(key);
    if (!shared) {
      shared = fetchOnce(url, init)
        .then(async (r) => ({ status: r.status, headers: [...r.headers], text: await r.text() }))
        .finally(() => inflight.delete(key));
      inflight.set(key, shared);
    }
    const { status, headers, text } = await shared;
    return new Response(text, { status, headers });
  };
}
