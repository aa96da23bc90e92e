import { baseEnvShape, parseEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  PORT: z.coerce.number().int().min(0).default(4104),
  HOST: z.string().default('127.0.0.1'),
};

export type OrdersEnv = BaseEnv & { PORT: number; HOST: string };

/** Orders' environment, parsed once. */
export const loadOrdersEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as OrdersEnv;
