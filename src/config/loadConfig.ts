import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const url = z.url({ protocol: /^https?$/ });

/**
 * Every environment variable the service reads, with its default. Keep
 * `.env.example` in step with this object.
 */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HTTP listen port and host. */
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Behind a reverse proxy: a client's address is the last X-Forwarded-For entry (rate limits count by it). */
  TRUST_PROXY: flag.default(false),
  /** Don't rate-limit requests from loopback (benchmarks, local tools). Unset: only when NODE_ENV=development. */
  RATE_LIMIT_EXEMPT_LOOPBACK: flag.optional(),
  /** Base URL members and staff reach the server at; links in emails start with it. */
  PUBLIC_URL: url.optional(),
  /** A PostgreSQL server. Unset: an embedded PostgreSQL keeps its data in DATA_DIR/postgres. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  /** Real SES: set SES_REGION (credentials come from the usual AWS chain). Unset: a local SES endpoint. */
  SES_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .optional(),
  SES_ENDPOINT: url.optional(),
  SES_LOCAL_PORT: port.default(8005),
  SES_CONFIGURATION_SET: z.string().min(1).default('society-mailer'),
  /** Messages per second across all workers; unset: SES's MaxSendRate. */
  SEND_RATE: z.coerce.number().positive().optional(),
  SEND_BATCH_SIZE: positiveInt.max(5000).default(100),
  SEND_CONCURRENCY: positiveInt.max(200).default(8),
  /** Pause a campaign when more than this share of attempts fail permanently. */
  CAMPAIGN_MAX_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.05),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  /**
   * A claim older than this (seconds) belongs to a worker that died during its
   * SES call; the recipient becomes in-doubt. SES calls time out at half of it.
   */
  SEND_CLAIM_LEASE_SECONDS: positiveInt.min(2).default(60),
  /** Signing keys for unsubscribe links, "kid:secret" pairs, newest first. Unset: one kept in DATA_DIR. */
  LINK_SIGNING_KEYS: csv.optional(),
  SOCIETY_NAME: z.string().min(1).default('The Society'),
  SOCIETY_POSTAL_ADDRESS: z.string().min(1).default('1775 Wiehle Avenue, Suite 201, Reston, VA 20190, USA'),
  /** Domain of the From, mailto unsubscribe and seed addresses. */
  MAIL_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'a domain name')
    .default('mail.society.example'),
  DEFAULT_FROM: z.string().min(3).optional(),
  /** SNS topics allowed to post to /webhooks/ses. */
  SNS_TOPIC_ARNS: csv.default([]),
  /** Host pattern an SNS signing certificate must come from (tests point it at loopback). */
  SNS_CERT_HOST_PATTERN: z.string().default('^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$'),
  /** Accept http: SNS certificate and subscribe URLs. Honoured only when NODE_ENV=test (a loopback test server). */
  SNS_ALLOW_INSECURE_CERT_URL: flag.default(false),
  DEMO: flag.default(false),
  /** Hosts a partner offer's image URL may come from (https only); empty: no images. */
  OFFER_IMAGE_HOSTS: csv.default([]),
  /** Contracted drop location of postal manifests: a local folder, unless an S3 bucket is set. */
  POSTAL_DROP_DIR: z.string().min(1).default('.data/postal-drop'),
  POSTAL_DROP_S3_BUCKET: z.string().min(3).optional(),
  /** Key prefix inside the bucket, e.g. "society/". */
  POSTAL_DROP_S3_PREFIX: z.string().default(''),
  POSTAL_DROP_S3_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .optional(),
  /** An S3-compatible endpoint (tests, MinIO); unset: AWS. */
  POSTAL_DROP_S3_ENDPOINT: url.optional(),
  /** OpenID Connect issuer for console single sign-on; unset: SSO off. */
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/ })
    .refine(
      (v) => v.startsWith('https:') || ['localhost', '127.0.0.1'].includes(new URL(v).hostname),
      'an https URL (http only for localhost or 127.0.0.1)',
    )
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Words after "Sign in with" on the console's sign-in page. */
  OIDC_LABEL: z.string().min(1).max(60).default('single sign-on'),
});

/** An issuer without its client credentials cannot sign anyone in: name what is missing. */
function missingOidcKeys(env: Record<string, string>): string[] {
  if (env.OIDC_ISSUER === undefined) return [];
  return (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const)
    .filter((key) => env[key] === undefined)
    .map((key) => `${key}: required when OIDC_ISSUER is set`);
}

export type Config = Readonly<
  Omit<z.output<typeof schema>, 'PUBLIC_URL' | 'DEFAULT_FROM' | 'RATE_LIMIT_EXEMPT_LOOPBACK'> & {
    PUBLIC_URL: string;
    DEFAULT_FROM: string;
    RATE_LIMIT_EXEMPT_LOOPBACK: boolean;
  }
>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment. Throws a ConfigError naming every bad variable at
 * once, so an operator fixes them in one go. Empty strings count as unset.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
  const parsed = schema.safeParse(present);
  const problems = [
    ...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []),
    ...missingOidcKeys(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const c = parsed.data;
  return Object.freeze({
    ...c,
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    DEFAULT_FROM: c.DEFAULT_FROM ?? `${c.SOCIETY_NAME} <news@${c.MAIL_DOMAIN}>`,
    RATE_LIMIT_EXEMPT_LOOPBACK: c.RATE_LIMIT_EXEMPT_LOOPBACK ?? c.NODE_ENV === 'development',
  });
}

/** True when the service should run its own local SES endpoint. */
export function usesLocalSes(config: Config): boolean {
  return config.SES_REGION === undefined && config.SES_ENDPOINT === undefined;
}
