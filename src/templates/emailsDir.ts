import { join } from 'node:path';

/** Where the MJML templates and their partials live. */
export const EMAILS_DIR = join(import.meta.dirname, '..', '..', 'emails');
