import type { Server } from 'node:http';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import sesLocal from 'aws-ses-v2-local';
import { localSesAccount } from '../../src/ops/localSes.ts';
import { createSesClient } from '../../src/subcontractors/sesAdapter.ts';
import { freePort } from './freePort.ts';
import { waitFor } from './waitFor.ts';

export { waitFor };

// A CommonJS module with __esModule: Node hands its exports object to a default
// import, vitest unwraps `default` for us; accept both.
const startServer = ('default' in sesLocal ? sesLocal.default : sesLocal) as typeof sesLocal.default;

/** A message as the local SES endpoint stored it (GET /store). */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export interface LocalSes {
  /** Base URL of the endpoint, e.g. http://127.0.0.1:43121 */
  endpoint: string;
  /** A client made by the production factory (no SDK retries), pointed at the endpoint. */
  client: SESv2Client;
  /** Everything sent so far, read over HTTP as any other process would. */
  store(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** Dummy credentials: the local endpoint wants a signed request but checks nothing. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts aws-ses-v2-local in this process on a free port. Its store is a
 * module singleton: two endpoints started in one test file share it (each file
 * runs in its own module context, so files don't).
 *
 * GetAccount answers from AWS_SES_ACCOUNT, which is set here for the lifetime
 * of the endpoint so that `SendQuota.MaxSendRate` is `maxSendRate`.
 */
export async function startLocalSes(options: { maxSendRate?: number } = {}): Promise<LocalSes> {
  const previousAccount = process.env.AWS_SES_ACCOUNT;
  process.env.AWS_SES_ACCOUNT = JSON.stringify(localSesAccount(options.maxSendRate ?? 14));
  const port = await freePort();
  const http: Server = await startServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createSesClient({ region: 'us-east-1', endpoint, credentials: LOCAL_CREDENTIALS });

  return {
    endpoint,
    client,
    async store() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`local SES /store answered ${response.status}`);
      return ((await response.json()) as { emails: StoredEmail[] }).emails;
    },
    async clear() {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`local SES /clear-store answered ${response.status}`);
    },
    async close() {
      client.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        http.close((error) => (error ? reject(error) : resolve())),
      );
      if (previousAccount === undefined) delete process.env.AWS_SES_ACCOUNT;
      else process.env.AWS_SES_ACCOUNT = previousAccount;
    },
  };
}

/** The GetAccount answer of a production account with the given rate. */
