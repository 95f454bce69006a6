import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/loadConfig.ts';
import { generateSigningKey, parseSigningKeys, type SigningKeys } from './linkToken.ts';

/**
 * The keys that sign unsubscribe and preference links: LINK_SIGNING_KEYS when
 * set; otherwise (a laptop on embedded defaults) one generated on first start
 * and kept in DATA_DIR, so links in mail already sent keep working.
 */
export async function resolveSigningKeys(config: Config): Promise<SigningKeys> {
  if (config.LINK_SIGNING_KEYS?.length) return parseSigningKeys(config.LINK_SIGNING_KEYS);
  if (config.NODE_ENV === 'production') {
    throw new Error(
      'LINK_SIGNING_KEYS must be set in production: links signed with a local key break on another machine',
    );
  }
  const file = join(config.DATA_DIR, 'link-signing-key');
  if (!existsSync(file)) {
    await mkdir(config.DATA_DIR, { recursive: true });
    await writeFile(file, `${generateSigningKey('local1')}\n`, { mode: 0o600, flag: 'wx' }).catch(
      (error: unknown) => {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
      },
    );
  }
  return parseSigningKeys([(await readFile(file, 'utf8')).trim()]);
}
