import type { Server } from 'node:http';
import localSes from 'aws-ses-v2-local';

type Start = (config?: { host?: string; port?: number }) => Promise<Server>;

/**
 * Starts the local SES endpoint (aws-ses-v2-local) in this process: the
 * SESv2 API, plus `/` (an inbox viewer) and `/store` (what was sent).
 * The package is CommonJS; its start function sits on `.default`.
 */
export function startLocalSes(config: { host: string; port: number }): Promise<Server> {
  const mod = localSes as unknown as { default: Start };
  const start: Start = typeof mod.default === 'function' ? mod.default : (localSes as unknown as Start);
  return start(config);
}
