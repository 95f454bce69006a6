import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/templates/loadTemplate.ts';
import { fillPartnerOffer, type PartnerOffer } from '../../src/templates/partnerOffer.ts';
import { renderFor } from '../../src/templates/render.ts';
import { compiled, flat, footer, links } from './fixtures.ts';

let offerTemplate: string;
beforeAll(async () => {
  const loaded = await loadTemplate('partner-offer');
  if (!loaded.ok) throw new Error('emails/partner-offer.mjml is missing');
  offerTemplate = loaded.mjml;
});

const offer: PartnerOffer = {
  partnerName: 'Fast & "Fair" <Hosting>',
  headline: '20% off {{name}} domains',
  bodyHtml: '<p>Members save on <strong>every</strong> plan.</p>',
  ctaUrl: 'https://hosting.example/offer?src=society&plan="pro"',
  ctaLabel: 'See the <offer>',
  imageUrl: 'https://hosting.example/banner.png',
  imageAlt: 'A server rack',
};

async function render(o: PartnerOffer, language = 'en') {
  const filled = fillPartnerOffer(offerTemplate, o, { language, societyName: footer.societyName });
  if (!filled.ok) throw new Error(JSON.stringify(filled));
  const template = await compiled({ mjml: filled.mjml, language, topicLabel: 'partner offers' });
  return renderFor(template, { name: 'Ada', ...links });
}

describe('a partner offer', () => {
  it('says who sends it, on whose behalf and why, with the partner name escaped', async () => {
    const { html, text } = await render(offer);
    expect(html).toContain(
      'This message is sent by Open Net Society on behalf of Fast &amp; &quot;Fair&quot; &lt;Hosting&gt;. You receive it because you chose to hear about partner offers.',
    );
    expect(flat(text)).toContain(
      'This message is sent by Open Net Society on behalf of Fast & "Fair" <Hosting>. You receive it because you chose to hear about partner offers.',
    );
    expect(flat(text)).toContain(
      'You receive this because you are a member of Open Net Society and chose to receive partner offers by email.',
    );
  });

  it('escapes the headline, label and link, and inserts the sanitised body as HTML', async () => {
    const { html, text } = await render(offer);
    expect(html).toContain('20% off &#123;&#123;name&#125;&#125; domains');
    expect(text).toContain('20% off {{name}} domains');
    expect(text).not.toContain('20% off Ada');
    expect(html).toContain('See the &lt;offer&gt;');
    expect(html).toContain('href="https://hosting.example/offer?src=society&amp;plan=&quot;pro&quot;"');
    expect(html).toContain('<p>Members save on <strong>every</strong> plan.</p>');
    expect(html).toMatch(/<img[^>]*alt="A server rack"[^>]*src="https:\/\/hosting.example\/banner.png"/);
  });

  it('shows no image when the offer has none', async () => {
    const { html } = await render({ ...offer, imageUrl: null });
    expect(html.slice(html.indexOf('<body'))).not.toContain('<img');
  });

  it('cannot break out of its body with MJML or placeholders', async () => {
    const { html } = await render({
      ...offer,
      bodyHtml: '<p>Hi</p></mj-text></mj-column></mj-section><mj-raw><!--</mj-raw><p>{{unsubscribe_url}}</p>',
    });
    expect(html).toContain('<p>Hi</p>&lt;/mj-text>');
    expect(html).toContain('&#123;&#123;unsubscribe_url&#125;&#125;');
    expect(html).toContain('Unsubscribe from partner offers in one click');
  });

  it('is disclosed in the member’s language', async () => {
    const { text } = await render(offer, 'es');
    expect(flat(text)).toContain(
      'Este mensaje se lo envía Open Net Society en nombre de Fast & "Fair" <Hosting>.',
    );
  });

  it('refuses links that are not http(s) and empty fields, naming them', () => {
    const result = fillPartnerOffer(
      offerTemplate,
      { ...offer, ctaUrl: 'javascript:alert(1)', imageUrl: 'data:image/png;base64,xx', headline: ' ' },
      { societyName: footer.societyName },
    );
    expect(result).toEqual({
      ok: false,
      type: 'invalid-offer',
      errors: [
        { field: 'headline', message: 'must not be empty' },
        { field: 'ctaUrl', message: 'must be an absolute http(s) URL' },
        { field: 'imageUrl', message: 'must be an absolute http(s) URL' },
      ],
    });
  });

  it('refuses a template without the disclosure', () => {
    const result = fillPartnerOffer(offerTemplate.replace('{{offer.disclosure}}', ''), offer, {
      societyName: footer.societyName,
    });
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'template' }] });
  });
});
