import type { Server } from 'node:http';
import localSes from 'aws-ses-v2-local';

type Start = (config?: { host?: string; port?: number }) => Promise<Server>;

/**
 * The account the local endpoint reports through GetAccount (it reads it from
 * AWS_SES_ACCOUNT): production access, and a send rate like a new SES account's.
 */
export function localSesAccount(maxSendRate: number) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'MARKETING',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'Local development',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50_000, MaxSendRate: maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  };
}

/**
 * Starts the local SES endpoint (aws-ses-v2-local) in this process: the
 * SESv2 API, plus `/` (an inbox viewer) and `/store` (what was sent).
 * The package is CommonJS; its start function sits on `.default`.
 */
export function startLocalSes(config: { host: string; port: number; maxSendRate?: number }): Promise<Server> {
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(localSesAccount(config.maxSendRate ?? 14));
  const mod = localSes as unknown as { default: Start };
  const start: Start = typeof mod.default === 'function' ? mod.default : (localSes as unknown as Start);
  return start({ host: config.host, port: config.port });
}
