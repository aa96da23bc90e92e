import { baseEnvShape, parseEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  PORT: z.coerce.number().int().min(0).default(4102),
  HOST: z.string().default('127.0.0.1'),
};

export type TiersEnv = BaseEnv & { PORT: number; HOST: string };

/** The tiers subgraph's environment, parsed once. */
export const loadTiersEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as TiersEnv;
