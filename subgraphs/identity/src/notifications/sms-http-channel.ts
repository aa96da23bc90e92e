import { DeliveryError, type DeliveryChannel, type OutgoingMessage } from '../domain/delivery.js';

/**
 * Text messages through an SMS provider's HTTP API, one adapter configured by URL and key
 * (SMS_HTTP_URL, SMS_HTTP_KEY). The request, for a gateway or a provider shim to accept:
 *
 *   POST {SMS_HTTP_URL}
 *   Authorization: Bearer {SMS_HTTP_KEY}
 *   Content-Type: application/json
 *   Idempotency-Key: {delivery id}       (the same on every retry of one message)
 *   {"to": "+8613812345678", "text": "…", "reference": "{delivery id}"}
 *
 * Any 2xx is accepted; a JSON body's `id` is kept as the provider's message id. 408, 429
 * and 5xx (and no answer within the timeout) are retried; any other 4xx is permanent.
 */
export class HttpSmsChannel implements DeliveryChannel {
  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json', 'idempotency-key': message.id },
        body: JSON.stringify({ to: message.to, text: message.body, reference: message.id }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new DeliveryError('SMS provider unreachable', false);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const retry = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new DeliveryError(`SMS provider answered ${response.status}`, !retry);
    }
    const answer = (await response.json().catch(() => ({}))) as { id?: unknown };
    return { providerMessageId: typeof answer.id === 'string' ? answer.id : null };
  }
}
