import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

/**
 * Paths that could carry an address, a token or a secret, redacted as a
 * second line of defence: code must not log them in the first place.
 * A PostgreSQL error's `detail` quotes the offending value ("Key
 * (email_normalized)=(…) already exists"); `parameters` and `query` are what
 * postgres.js attaches to it in debug mode.
 */
export const REDACTED_PATHS = [
  'email',
  '*.email',
  'to',
  '*.to',
  'token',
  '*.token',
  'key',
  '*.key',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  '*.secret',
  'detail',
  '*.detail',
  'err.cause.detail',
  'parameters',
  '*.parameters',
  'err.cause.parameters',
  'query',
  '*.query',
  'err.cause.query',
];

/**
 * JSON logs (pretty on a terminal). With a `destination` (tests capture lines
 * in memory) the lines go there, never pretty.
 */
export function createLogger(
  level: string,
  pretty = process.stdout.isTTY === true,
  destination?: DestinationStream,
): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  return pino({
    ...options,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
