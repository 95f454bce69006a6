import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderFor, renderSubject } from '../../src/templates/render.ts';
import type { CompiledTemplate } from '../../src/templates/types.ts';
import { compiled, doc, links } from './fixtures.ts';

let template: CompiledTemplate;

beforeAll(async () => {
  template = await compiled({
    mjml: doc(
      '<mj-text>Dear {{name}},</mj-text>\n<mj-text><p title="{{name}}">Hi {{first_name}}</p></mj-text>\n<mj-image src="https://www.society.example/logo.png" alt="Society logo" />',
    ),
  });
});

/** The HTML a mail client would show, minus the markup the compiler wrote. */
const visibleBody = (html: string) => html.slice(html.indexOf('<body'));

describe('rendering for one recipient', () => {
  const hostile = '<script>alert(1)</script> & "x"';

  it('escapes the name in the HTML part, text and attributes alike', () => {
    const { html } = renderFor(template, { name: hostile, ...links });
    expect(html).toContain('Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;,');
    expect(html).toContain('title="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"');
    expect(html).not.toContain('<script>');
  });

  it('leaves the name as written in the text part', () => {
    const { text } = renderFor(template, { name: hostile, ...links });
    expect(text).toContain(`Dear ${hostile},`);
    expect(text).toContain('Hi <script>alert(1)</script>');
  });

  it('escapes links inside href and writes them as they are in the text', () => {
    const { html, text } = renderFor(template, {
      name: 'Ada',
      unsubscribeUrl: 'https://mail.society.example/u/t?a=1&b="2"',
      preferencesUrl: 'https://mail.society.example/p/t?x=<y>',
    });
    expect(html).toContain('href="https://mail.society.example/u/t?a=1&amp;b=&quot;2&quot;"');
    expect(html).toContain('href="https://mail.society.example/p/t?x=&lt;y&gt;"');
    expect(text).toContain('https://mail.society.example/u/t?a=1&b="2"');
  });

  it('refuses a link that is not http(s)', () => {
    expect(() =>
      renderFor(template, { name: 'Ada', ...links, unsubscribeUrl: 'javascript:alert(1)' }),
    ).toThrow(/http\(s\)/);
  });

  it('takes the first name from the full name unless given', () => {
    expect(renderFor(template, { name: 'Ada King Lovelace', ...links }).text).toContain('Hi Ada\n');
    expect(renderFor(template, { name: 'Ada Lovelace', firstName: 'Augusta', ...links }).text).toContain(
      'Hi Augusta',
    );
  });

  it('greets a member with no name on file in the content language', async () => {
    expect(renderFor(template, { name: '  ', ...links }).text).toContain('Dear member,');
    const french = await compiled({ mjml: doc('<mj-text>Cher {{name}},</mj-text>'), language: 'fr' });
    expect(renderFor(french, { name: null, ...links }).text).toContain('Cher membre,');
  });

  it('gives images alt text and no tracking pixel', () => {
    const { html } = renderFor(template, { name: 'Ada', ...links });
    const images = visibleBody(html).match(/<img[^>]*>/g) ?? [];
    expect(images).toHaveLength(1);
    expect(images[0]).toContain('alt="Society logo"');
  });

  it('never lets a < from the name into the HTML unescaped', () => {
    const baseline = renderFor(template, { name: 'x', ...links }).html.split('<').length;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const { html } = renderFor(template, { name, ...links });
        // Every '<' in the output is one the template itself wrote.
        expect(html.split('<').length).toBe(baseline);
      }),
      { numRuns: 500 },
    );
  });

  it('never lets a name form a placeholder or break out of an attribute', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const { html } = renderFor(template, { name, ...links });
        const titles = html.match(/title="[^"]*"/g) ?? [];
        expect(titles).toHaveLength(1);
        expect(html).not.toMatch(/\{\{/);
      }),
    );
  });
});

describe('rendering a subject', () => {
  it('fills the name as written, with line breaks flattened', () => {
    expect(renderSubject('{{first_name}}, your forum seat & more', { name: 'Ada <Lovelace>' })).toBe(
      'Ada, your forum seat & more',
    );
    expect(renderSubject('News for {{ name }}', { name: 'Ada\r\nBcc: x' })).toBe('News for Ada Bcc: x');
    expect(renderSubject('Hello {{name}}', { name: '', nameFallback: 'membre' })).toBe('Hello membre');
  });
});
