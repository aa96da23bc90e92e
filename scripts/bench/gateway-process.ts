/**
 * One gateway in its own process, so its RSS and CPU are its own: given its config in a
 * `start` message over IPC, it says `{ type: 'ready', url }` and answers `memory` (or
 * `memory-after-gc`) requests with its current and peak RSS, its V8 heap in use and the
 * CPU time it used since the last `reset` (see GatewayMemory in processes.ts).
 */
import type { RunningServer } from '@membership/subgraph';
import type { BenchGatewayConfig } from './gateway-config.js';

async function start(config: BenchGatewayConfig): Promise<RunningServer> {
  switch (config.kind) {
    case 'ours':
    case 'candidate':
      return (await import('./gateway-ours.js')).startOurs(config);
    case 'apollo':
      return (await import('./gateway-apollo.js')).startApollo(config);
    case 'hive':
      return (await import('./gateway-hive.js')).startHive(config);
  }
}

let peak = 0;
let cpuSince = process.cpuUsage();
const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));
setInterval(sample, 100).unref();

// The bench went away (finished or crashed): so does this gateway.
process.on('disconnect', () => process.exit(0));

let server: RunningServer | undefined;
process.on('message', async (message: { type: string; config?: BenchGatewayConfig }) => {
  if (message.type === 'start') {
    try {
      server = await start(message.config!);
      process.send?.({ type: 'ready', url: server.url });
    } catch (error) {
      process.send?.({ type: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      process.exit(1);
    }
  } else if (message.type === 'reset') {
    peak = 0;
    sample();
    cpuSince = process.cpuUsage();
    process.send?.({ type: 'reset' });
  } else if (message.type === 'memory' || message.type === 'memory-after-gc') {
    // With --expose-gc, `memory-after-gc` first collects, so the heap is what is still referenced.
    if (message.type === 'memory-after-gc') (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    const cpu = process.cpuUsage(cpuSince);
    process.send?.({ type: message.type, rss, peak: Math.max(peak, rss), heapUsed, cpuMicros: cpu.user + cpu.system });
  } else if (message.type === 'stop') {
    await server?.close();
    process.exit(0);
  }
});
