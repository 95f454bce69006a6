import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/loadConfig.ts';
import type { ProjectedRecipient } from './contractTerms.ts';

/**
 * The postal mail-house adapter: one manifest per dispatch, JSON Lines, each
 * line one recipient holding only the contract's fields plus the dispatch
 * reference, written to the contracted drop location — a local folder, or an
 * S3 bucket. Print artwork goes beside it as `<reference>.pdf`. Like every
 * adapter it cannot import the database layer: it sees projections only.
 */

export interface ManifestHeader {
  /** The disclosure reference: on every line and in the file name. */
  reference: string;
  /** The permitted fields; a row with any other field is refused. */
  fields: readonly string[];
  artwork?: Uint8Array | null;
}

export interface ManifestWriter {
  append(rows: readonly ProjectedRecipient[]): Promise<void>;
  /** Delivers the manifest; nothing is visible at the drop location before this. */
  close(): Promise<{ location: string; rows: number }>;
  /** Gives up, leaving nothing at the drop location. */
  abort(): Promise<void>;
}

export interface PostalAdapter {
  openManifest(header: ManifestHeader): Promise<ManifestWriter>;
}

const REFERENCE = /^[A-Za-z0-9-]+$/;

/** One manifest line; throws if the row carries a field outside the contract. */
export function manifestLine(header: ManifestHeader, row: ProjectedRecipient): string {
  for (const key of Object.keys(row)) {
    if (!header.fields.includes(key)) {
      throw new Error(`manifest ${header.reference}: field ${key} is not permitted by the contract`);
    }
  }
  return `${JSON.stringify({ dispatch: header.reference, ...row })}\n`;
}

function checkReference(reference: string): void {
  if (!REFERENCE.test(reference)) throw new Error('a dispatch reference is letters, digits and dashes');
}

/** Writes `<dir>/<reference>.jsonl` (and `.pdf`), renamed into place when complete. */
export function createFolderDrop(dir: string): PostalAdapter {
  return {
    async openManifest(header) {
      checkReference(header.reference);
      await mkdir(dir, { recursive: true });
      const final = join(dir, `${header.reference}.jsonl`);
      const partial = `${final}.part`;
      const file = await open(partial, 'w', 0o600);
      let rows = 0;
      return {
        async append(list) {
          if (list.length === 0) return;
          await file.write(list.map((r) => manifestLine(header, r)).join(''));
          rows += list.length;
        },
        async close() {
          await file.sync();
          await file.close();
          if (header.artwork) await writeFile(join(dir, `${header.reference}.pdf`), header.artwork);
          await rename(partial, final);
          return { location: final, rows };
        },
        async abort() {
          await file.close().catch(() => {});
          await rm(partial, { force: true });
        },
      };
    },
  };
}

/**
 * Puts `<prefix><reference>.jsonl` (and `.pdf`) into an S3 bucket. The
 * manifest is held in memory until `close`, so the object appears whole.
 */
export function createS3Drop(options: { client: S3Client; bucket: string; prefix?: string }): PostalAdapter {
  const { client, bucket, prefix = '' } = options;
  return {
    async openManifest(header) {
      checkReference(header.reference);
      const chunks: string[] = [];
      let rows = 0;
      return {
        async append(list) {
          chunks.push(list.map((r) => manifestLine(header, r)).join(''));
          rows += list.length;
        },
        async close() {
          if (header.artwork) {
            await client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: `${prefix}${header.reference}.pdf`,
                Body: header.artwork,
                ContentType: 'application/pdf',
              }),
            );
          }
          const key = `${prefix}${header.reference}.jsonl`;
          await client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: chunks.join(''),
              ContentType: 'application/x-ndjson',
            }),
          );
          return { location: `s3://${bucket}/${key}`, rows };
        },
        async abort() {
          chunks.length = 0;
        },
      };
    },
  };
}

type DropConfig = Pick<
  Config,
  | 'POSTAL_DROP_DIR'
  | 'POSTAL_DROP_S3_BUCKET'
  | 'POSTAL_DROP_S3_PREFIX'
  | 'POSTAL_DROP_S3_REGION'
  | 'POSTAL_DROP_S3_ENDPOINT'
>;

/** The contracted drop location from config: S3 when a bucket is set, else the folder. */
export function createPostalAdapter(config: DropConfig): PostalAdapter {
  if (!config.POSTAL_DROP_S3_BUCKET) return createFolderDrop(config.POSTAL_DROP_DIR);
  const client = new S3Client({
    region: config.POSTAL_DROP_S3_REGION ?? 'us-east-1',
    endpoint: config.POSTAL_DROP_S3_ENDPOINT,
    forcePathStyle: config.POSTAL_DROP_S3_ENDPOINT !== undefined,
  });
  return createS3Drop({ client, bucket: config.POSTAL_DROP_S3_BUCKET, prefix: config.POSTAL_DROP_S3_PREFIX });
}
