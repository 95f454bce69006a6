import { createHash } from 'node:crypto';
import { compileCampaign } from './compileCampaign.ts';
import type { CompileInput, CompileResult } from './types.ts';

export interface CompileCache {
  /** The compiled campaign, compiling only on the first call for this campaign and content. */
  compile(campaignId: string | number, input: CompileInput): Promise<CompileResult>;
  readonly size: number;
}

/**
 * A small bounded cache of compiled campaigns keyed by (campaign id, content
 * hash), so a worker compiles each campaign once however many batches it
 * sends, and an edited draft compiles afresh. Least recently used goes first.
 * Concurrent calls share one compile. Create one per worker process and pass
 * it along with the other dependencies.
 */
export function createCompileCache({ maxEntries = 32 }: { maxEntries?: number } = {}): CompileCache {
  const entries = new Map<string, Promise<CompileResult>>();
  return {
    compile(campaignId, input) {
      const key = `${campaignId}:${contentHash(input)}`;
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const compiling = compileCampaign(input);
      entries.set(key, compiling);
      // A throw is unexpected (a bug, not bad content): don't keep it.
      compiling.catch(() => entries.delete(key));
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return compiling;
    },
    get size() {
      return entries.size;
    },
  };
}

function contentHash({ mjml, language, topicLabel, footer }: CompileInput): string {
  return createHash('sha256')
    .update(JSON.stringify([mjml, language ?? '', topicLabel, footer.societyName, footer.postalAddress]))
    .digest('base64url');
}
