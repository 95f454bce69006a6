import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from '../deps.ts';
import type { AppEnv } from './auth.ts';
import { invalid, issuesOf, problem } from './problems.ts';
import { type RateLimitOptions, rateLimit } from './rateLimit.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { consentHistoryRoutes } from './routes/consentHistory.ts';
import { consoleRoutes } from './routes/console.ts';
import { contractRoutes } from './routes/contracts.ts';
import { healthRoutes } from './routes/health.ts';
import { memberRoutes } from './routes/members.ts';
import { offerRoutes } from './routes/offers.ts';
import { partnerRoutes } from './routes/partners.ts';
import { sesWebhookRoutes } from './routes/sesWebhook.ts';
import { staffRoutes } from './routes/staff.ts';
import { unsubscribeRoutes } from './routes/unsubscribe.ts';

/** A route module: adds its routes to the app. */
export type Mount = (app: OpenAPIHono<AppEnv>, deps: Deps) => void;

/** Route modules added by later capabilities register here, in order. */
const mounts: Mount[] = [
  healthRoutes,
  memberRoutes,
  campaignRoutes,
  unsubscribeRoutes,
  sesWebhookRoutes,
  consentHistoryRoutes,
  partnerRoutes,
  offerRoutes,
  contractRoutes,
  staffRoutes,
  consoleRoutes,
];

export function createApp(deps: Deps, extra: Mount[] = []): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return invalid(c, issuesOf(result.error));
    },
  });

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      strictTransportSecurity: deps.config.PUBLIC_URL.startsWith('https:') ? 'max-age=31536000' : false,
    }),
  );
  // Per client and per process (see rateLimit.ts), before any body is read.
  // Link pages and the webhook are generous: one-click POSTs and SNS deliveries
  // come from a mail provider's or AWS's few addresses, and a refused
  // unsubscribe is worse than a busy process. Sign-in is tight: keys are guessed.
  const limit = (path: string, options: Omit<RateLimitOptions, 'trustProxy' | 'exemptLoopback'>) =>
    app.use(
      path,
      rateLimit({
        ...options,
        trustProxy: deps.config.TRUST_PROXY,
        exemptLoopback: deps.config.RATE_LIMIT_EXEMPT_LOOPBACK,
      }),
    );
  limit('/u/*', { name: 'unsubscribe links', ratePerSecond: 100, burst: 500 });
  limit('/p/*', { name: 'preference links', ratePerSecond: 100, burst: 500 });
  limit('/webhooks/ses', { name: 'SES webhook', ratePerSecond: 100, burst: 500 });
  limit('/partner/sign-in', { name: 'partner sign-in', ratePerSecond: 10 / 60, burst: 10 });
  // Staff accounts also lock after failed attempts; this slows spraying one guess over many accounts.
  const staffSignIn = { name: 'staff sign-in', ratePerSecond: 30 / 60, burst: 30, methods: ['POST'] };
  limit('/console/sign-in', staffSignIn);
  limit('/console/first-sign-in', staffSignIn);
  app.use(
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => problem(c, 413, 'payload_too_large', 'the request body is larger than 1 MiB'),
    }),
  );
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    // The route pattern, never the concrete path: paths can carry link tokens.
    deps.metrics.httpRequests
      .labels(c.req.method, routePath(c), String(c.res.status))
      .observe((performance.now() - started) / 1000);
  });

  for (const mount of [...mounts, ...extra]) mount(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'staffToken', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'partnerKey', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'society-mailer',
      version: '1',
      description: 'Staff, membership-system and partner API of the Society mailer.',
    },
  });

  app.notFound((c) => problem(c, 404, 'not_found', 'no such route'));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status === 400) return problem(c, 400, 'invalid_request', error.message || 'malformed request');
      return problem(c, status, 'error', error.message);
    }
    deps.log.error({ err: error, route: routePath(c), method: c.req.method }, 'request failed');
    return problem(c, 500, 'internal_error', 'something went wrong on our side; it has been logged');
  });
  return app;
}
