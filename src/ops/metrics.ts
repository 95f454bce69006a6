import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process; one registry per app so tests stay independent. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    messagesSent: new Counter({
      name: 'mailer_messages_total',
      help: 'Messages handed to a subcontractor, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    consentChanges: new Counter({
      name: 'mailer_consent_changes_total',
      help: 'Consent ledger entries written, by source',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
