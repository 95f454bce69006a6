import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pretty on a terminal). Paths that could carry an address, a
 * token or a secret are redacted as a second line of defence: code must not
 * log them in the first place.
 */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'email',
        '*.email',
        'to',
        '*.to',
        'token',
        '*.token',
        'password',
        '*.password',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'req.headers.cookie',
        'secret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  });
}
