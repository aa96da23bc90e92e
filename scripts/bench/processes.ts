/**
 * The bench's other processes: each gateway in its own (gateway-process.ts, forked and
 * driven over IPC), and the load generator (load.ts, spawned once per run).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchGatewayConfig, GatewayKind } from './gateway-config.js';
import type { LoadConfig, LoadResult } from './load.js';

/** A gateway process's answer to `memory`. */
export interface GatewayMemory {
  rss: number;
  /** Highest RSS since the last `reset`, sampled every 100 ms. */
  peak: number;
  heapUsed: number;
  /** User + system CPU time since the last `reset`. */
  cpuMicros: number;
}

export interface GatewayProcess {
  kind: GatewayKind;
  url: string;
  child: ChildProcess;
  /** Sends a message of `type` and resolves with the gateway's reply of the same type. */
  ask<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

const gatewayScript = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));

/** Forks a gateway process, starts `config` in it and resolves once it listens. */
export function startGatewayProcess(config: BenchGatewayConfig, options: { execArgv?: string[] } = {}): Promise<GatewayProcess> {
  const { kind } = config;
  const child = fork(gatewayScript, [kind], {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  // A failed run must not leave gateways running.
  process.once('exit', () => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  child.send({ type: 'start', config });
  const ask = <T>(type: string) =>
    new Promise<T>((answer) => {
      const onMessage = (reply: { type: string }) => {
        if (reply.type !== type) return;
        child.off('message', onMessage);
        answer(reply as T);
      };
      child.on('message', onMessage);
      child.send({ type });
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' });
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} gateway exited with ${code} before it was ready:\n${stderr.slice(-2000)}`)));
    child.once('message', (message: { type: string; url?: string; error?: string }) => {
      if (message.type !== 'ready') return reject(new Error(`${kind} gateway failed to start: ${message.error}\n${stderr.slice(-2000)}`));
      child.removeAllListeners('exit');
      resolve({ kind, url: message.url!, child, ask, stop });
    });
  });
}

const loadScript = fileURLToPath(new URL('./load.ts', import.meta.url));

/** Runs the load generator in its own process and resolves with what it measured. */
export function runLoad(config: LoadConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', loadScript, JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}
