import type { Db } from '@membership/db';
import type { Logger } from '@membership/config';
import { EventConsumer } from './consumer.js';
import { relayOutbox } from './outbox.js';
import type { OutboxTable } from './tables.js';

interface Producer {
  name: string;
  outbox: OutboxTable;
}

/**
 * Runs the outbox relays of the producers and the queues of the consumers hosted in
 * this process, on a polling loop. Each server hosts its own; a single-process start
 * hosts all of them in one bus.
 */
export class EventBus {
  private readonly producers: Producer[] = [];
  private readonly consumers: EventConsumer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly options: { logger?: Logger; pollMs?: number; now?: () => Date } = {},
  ) {}

  addProducer(name: string, outbox: OutboxTable): this {
    this.producers.push({ name, outbox });
    return this;
  }

  addConsumer(consumer: EventConsumer): this {
    this.consumers.push(consumer);
    return this;
  }

  /** Registers every consumer's subscriptions; call before anything publishes. */
  async subscribeAll(): Promise<void> {
    for (const c of this.consumers) await c.subscribe();
  }

  /** One pass over every relay and queue; returns how much work it did. */
  async tick(): Promise<number> {
    let work = 0;
    for (const p of this.producers) work += await relayOutbox(this.db, p.outbox, p.name, { now: this.options.now });
    for (const c of this.consumers) work += await c.consumeOnce();
    return work;
  }

  /** Runs passes until nothing is left to do now (tests and seeding use it). */
  async drain(maxPasses = 50): Promise<void> {
    for (let i = 0; i < maxPasses; i++) {
      if ((await this.tick()) === 0) return;
    }
  }

  /** Polls in the background until {@link stop}. */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.options.logger?.error('event bus pass failed', { error: String(error) }));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(loop, this.options.pollMs ?? 250);
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
