import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EMAILS_DIR } from './emailsDir.ts';

const NAME = /^[a-z0-9-]+$/;

export type LoadResult =
  | { ok: true; name: string; mjml: string }
  | { ok: false; type: 'unknown-template'; name: string };

/**
 * Reads `emails/<name>.mjml`. Only plain names (`[a-z0-9-]+`) of files that
 * exist there are templates; anything else, paths included, is unknown.
 */
export async function loadTemplate(name: string, dir: string = EMAILS_DIR): Promise<LoadResult> {
  if (!NAME.test(name)) return { ok: false, type: 'unknown-template', name };
  try {
    return { ok: true, name, mjml: await readFile(join(dir, `${name}.mjml`), 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: false, type: 'unknown-template', name };
    throw new Error(`Could not read template ${name}`, { cause: error });
  }
}

/** Names of the templates in `emails/` (partials live in a folder of their own and are not listed). */
export async function listTemplates(dir: string = EMAILS_DIR): Promise<string[]> {
  const files = await readdir(dir, { withFileTypes: true });
  return files
    .filter((f) => f.isFile() && f.name.endsWith('.mjml'))
    .map((f) => f.name.slice(0, -'.mjml'.length))
    .filter((n) => NAME.test(n))
    .sort();
}
