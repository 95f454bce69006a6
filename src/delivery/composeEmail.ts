import type { Topic } from '../consent/vocabulary.ts';
import type { EmailEnvelope } from '../subcontractors/envelope.ts';
import { type CompiledTemplate, renderFor, renderSubject } from '../templates/index.ts';
import type { RecipientLinks } from '../unsubscribe/links.ts';

export interface ComposeInput {
  campaign: { id: number; topic: Topic; fromAddress: string; replyTo: string | null };
  /** Only what the contract lets the subcontractor see: the address, and the name if permitted. */
  recipient: { email: string; name: string | null };
  compiled: { template: CompiledTemplate; subject: string };
  links: RecipientLinks;
  mailDomain: string;
  /** Extra headers (a seed's dispatch reference). */
  extraHeaders?: { name: string; value: string }[];
}

/**
 * One recipient's email, ready for an adapter: personalised body and subject,
 * RFC 8058 one-click unsubscribe (https first, mailto second), a List-Id per
 * topic, and tags that name the campaign and topic only.
 */
export function composeEmail(input: ComposeInput): EmailEnvelope {
  const { campaign, recipient, compiled, links } = input;
  const body = renderFor(compiled.template, {
    name: recipient.name,
    unsubscribeUrl: links.unsubscribeUrl,
    preferencesUrl: links.preferencesUrl,
  });
  return {
    to: recipient.email,
    from: campaign.fromAddress,
    ...(campaign.replyTo ? { replyTo: campaign.replyTo } : {}),
    subject: renderSubject(compiled.subject, {
      name: recipient.name,
      nameFallback: compiled.template.nameFallback,
    }),
    html: body.html,
    text: body.text,
    headers: [
      { name: 'List-Unsubscribe', value: `<${links.unsubscribeUrl}>, <${links.mailto}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      { name: 'List-Id', value: `<${campaign.topic}.${input.mailDomain}>` },
      ...(input.extraHeaders ?? []),
    ],
    tags: [
      { name: 'campaign', value: String(campaign.id) },
      { name: 'topic', value: campaign.topic },
    ],
  };
}
