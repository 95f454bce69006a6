import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Largest print artwork accepted, in bytes. */
export const MAX_ARTWORK_BYTES = 20 * 1024 * 1024;

const REF = /^[0-9a-f]{64}\.pdf$/;

export type StoreArtworkOutcome = { type: 'stored'; ref: string } | { type: 'invalid'; message: string };

/**
 * Keeps an uploaded print PDF under `<dataDir>/artwork`, named by its
 * SHA-256, and returns that name as the campaign's artwork reference. The
 * content must start as a PDF does (`%PDF-`), whatever the upload claimed.
 */
export async function storeArtwork(dataDir: string, bytes: Uint8Array): Promise<StoreArtworkOutcome> {
  if (bytes.byteLength === 0) return { type: 'invalid', message: 'the upload is empty' };
  if (bytes.byteLength > MAX_ARTWORK_BYTES) {
    return { type: 'invalid', message: `artwork may be at most ${MAX_ARTWORK_BYTES / 1024 / 1024} MiB` };
  }
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') !== '%PDF-') {
    return { type: 'invalid', message: 'artwork must be a PDF file (it does not start with %PDF-)' };
  }
  const ref = `${createHash('sha256').update(bytes).digest('hex')}.pdf`;
  const dir = join(dataDir, 'artwork');
  await mkdir(dir, { recursive: true });
  const partial = join(dir, `${ref}.${process.pid}.part`);
  await writeFile(partial, bytes);
  await rename(partial, join(dir, ref));
  return { type: 'stored', ref };
}

/** The bytes of stored artwork; throws for a reference that is not one. */
export async function readArtwork(dataDir: string, ref: string): Promise<Uint8Array> {
  if (!REF.test(ref)) throw new Error('not an artwork reference');
  return readFile(join(dataDir, 'artwork', ref));
}
