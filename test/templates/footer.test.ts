import { describe, expect, it } from 'vitest';
import { compileCampaign } from '../../src/templates/compileCampaign.ts';
import { renderFor } from '../../src/templates/render.ts';
import { compiled, doc, flat, footer, links } from './fixtures.ts';

describe('the mandatory footer', () => {
  it('is in the HTML and the text of a template that has none of its own', async () => {
    const template = await compiled({ mjml: doc('<mj-text>Hello {{name}}</mj-text>') });
    const { html, text } = renderFor(template, { name: 'Ada', ...links });

    expect(html).toContain('You receive this because you are a member of Open Net Society');
    expect(html).toContain('chose to receive Society news by email.');
    expect(html).toContain('href="https://mail.society.example/u/tok123?topic=news&amp;x=1"');
    expect(html).toContain('href="https://mail.society.example/p/tok123"');
    expect(html).toContain('12 Harbour Lane<br />Leith EH6 6QR, United Kingdom');

    expect(flat(text)).toContain(
      'You receive this because you are a member of Open Net Society and chose to receive Society news by email.',
    );
    expect(text).toContain(links.unsubscribeUrl);
    expect(text).toContain(links.preferencesUrl);
    expect(text).toContain('12 Harbour Lane\nLeith EH6 6QR, United Kingdom');
  });

  it('takes the Society name and address from its arguments', async () => {
    const template = await compiled({
      mjml: doc('<mj-text>Hi</mj-text>'),
      footer: { societyName: 'Société & Co', postalAddress: '3 rue Exemple, 75001 Paris' },
    });
    const { html, text } = renderFor(template, { name: 'Ada', ...links });
    expect(html).toContain('Société &amp; Co');
    expect(text).toContain('Société & Co');
    expect(text).toContain('3 rue Exemple, 75001 Paris');
  });

  it('cannot be commented out by an unclosed comment before </mj-body>', async () => {
    const mjml = doc('<mj-text>Hi</mj-text>').replace('</mj-body>', '<mj-raw><!-- </mj-raw></mj-body>');
    const result = await compileCampaign({ mjml, topicLabel: 'Society news', footer });
    expect(result).toMatchObject({ ok: false, type: 'footer-hidden' });
  });

  it('needs an <mj-body> to go in', async () => {
    const result = await compileCampaign({
      mjml: '<mjml><mj-head><mj-title>x</mj-title></mj-head></mjml>',
      topicLabel: 'Society news',
      footer,
    });
    expect(result).toEqual({
      ok: false,
      type: 'invalid-mjml',
      errors: [{ line: 1, message: expect.stringContaining('<mj-body>'), tagName: 'mj-body' }],
    });
  });

  it.each([
    ['en', 'You receive this because you are a member of', 'Unsubscribe from Society news in one click'],
    ['fr', 'Vous recevez ce message parce que vous êtes membre de', 'Ne plus recevoir Society news'],
    ['es', 'Recibe este mensaje porque es miembro de', 'Dejar de recibir Society news (baja con un clic)'],
    ['fr-CA', 'Vous recevez ce message parce que vous êtes membre de', 'désabonnement en un clic'],
    ['de', 'You receive this because you are a member of', 'in one click'],
  ])('is worded for content in %s', async (language, why, unsubscribe) => {
    const template = await compiled({ mjml: doc('<mj-text>Hi</mj-text>'), language });
    const { html, text } = renderFor(template, { name: 'Ada', ...links });
    expect(html).toContain(`<html lang="${language}"`);
    expect(html).toContain(why);
    expect(flat(text)).toContain(unsubscribe);
  });

  it('defaults to English', async () => {
    const template = await compiled({ mjml: doc('<mj-text>Hi</mj-text>') });
    expect(template.language).toBe('en');
    expect(renderFor(template, { name: 'Ada', ...links }).html).toContain('<html lang="en"');
  });
});
