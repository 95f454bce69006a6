import { compileCampaign } from '../../src/templates/compileCampaign.ts';
import type { CompiledTemplate, CompileInput, FooterSettings } from '../../src/templates/types.ts';

export const footer: FooterSettings = {
  societyName: 'Open Net Society',
  postalAddress: '12 Harbour Lane\nLeith EH6 6QR, United Kingdom',
};

export const links = {
  unsubscribeUrl: 'https://mail.society.example/u/tok123?topic=news&x=1',
  preferencesUrl: 'https://mail.society.example/p/tok123',
};

/** A minimal valid document around some column content. */
export const doc = (column: string) =>
  `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n${column}\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

export async function compiled(input: Partial<CompileInput> & { mjml: string }): Promise<CompiledTemplate> {
  const result = await compileCampaign({ topicLabel: 'Society news', footer, ...input });
  if (!result.ok) throw new Error(`expected the content to compile: ${JSON.stringify(result)}`);
  return result.template;
}

/** Text with its word-wrapping undone, to look for a sentence in it. */
export const flat = (text: string) => text.replace(/\s+/g, ' ');
