import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { PgBoss } from 'pg-boss';
import type { Config } from './config/loadConfig.ts';
import type { Db, Sql } from './db/connect.ts';
import type { Logger } from './ops/logger.ts';
import type { Metrics } from './ops/metrics.ts';
import type { SigningKeys } from './unsubscribe/linkToken.ts';

/** Time, injectable so tests can fix it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/**
 * Everything the domain needs from the outside, passed as one plain object:
 * no module-level singletons.
 */
export interface Deps {
  config: Config;
  db: Db;
  sql: Sql;
  boss: PgBoss;
  ses: SESv2Client;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
  /** Keys that sign unsubscribe and preference links, newest first. */
  linkKeys: SigningKeys;
}
