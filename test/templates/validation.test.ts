import { describe, expect, it } from 'vitest';
import { compileCampaign } from '../../src/templates/compileCampaign.ts';
import { footer } from './fixtures.ts';

const compile = (mjml: string) => compileCampaign({ mjml, topicLabel: 'Society news', footer });

describe('compiling campaign content', () => {
  it('reports strict validation errors with the line they are on', async () => {
    const mjml = [
      '<mjml>', // 1
      '  <mj-body>', // 2
      '    <mj-section>', // 3
      '      <mj-column>', // 4
      '        <mj-text colour="red">Hello</mj-text>', // 5
      '      </mj-column>', // 6
      '    </mj-section>', // 7
      '    <mj-text>Loose text</mj-text>', // 8
      '  </mj-body>', // 9
      '</mjml>',
    ].join('\n');
    const result = await compile(mjml);
    expect(result.ok).toBe(false);
    if (result.ok || result.type !== 'invalid-mjml') throw new Error(`unexpected ${JSON.stringify(result)}`);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { line: 5, message: 'Attribute colour is illegal', tagName: 'mj-text' },
        {
          line: 8,
          message: expect.stringContaining('mj-text cannot be used inside mj-body'),
          tagName: 'mj-text',
        },
      ]),
    );
  });

  it('keeps line numbers when the content is only an <mj-body>', async () => {
    const result = await compile(
      '<mj-body>\n<mj-section>\n<mj-column>\n<mj-bogus />\n</mj-column>\n</mj-section>\n</mj-body>',
    );
    expect(result).toMatchObject({
      ok: false,
      type: 'invalid-mjml',
      errors: [{ line: 4, tagName: 'mj-bogus' }],
    });
  });

  it('rejects placeholders it does not know, naming each with its line', async () => {
    const result = await compile(
      '<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hi {{name}}, your id is {{ member_id }}</mj-text>\n<mj-text>{{email}}</mj-text>\n</mj-column></mj-section></mj-body></mjml>',
    );
    expect(result).toMatchObject({
      ok: false,
      type: 'unknown-placeholder',
      errors: [
        { line: 2, placeholder: 'member_id', message: expect.stringContaining('{{member_id}}') },
        { line: 3, placeholder: 'email' },
      ],
    });
  });

  it('accepts the known placeholders with or without spaces inside the braces', async () => {
    const result = await compile(
      '<mjml><mj-body><mj-section><mj-column><mj-text>{{ name }} {{first_name}} {{society_name}} <a href="{{preferences_url}}">prefs</a> <a href="{{ unsubscribe_url }}">stop</a></mj-text></mj-column></mj-section></mj-body></mjml>',
    );
    expect(result.ok).toBe(true);
  });

  it.each(['../package.json', '/etc/passwd', './partials/../../package.json', 'partials/head.css'])(
    'refuses to include %s, naming the line',
    async (path) => {
      const result = await compile(
        `<mjml>\n<mj-body>\n<mj-include path="${path}" type="html" />\n<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>`,
      );
      expect(result).toMatchObject({
        ok: false,
        type: 'invalid-mjml',
        errors: [{ line: 3, tagName: 'mj-include' }],
      });
    },
  );

  it('includes the shared partials from emails/', async () => {
    const result = await compile(
      '<mjml><mj-head><mj-include path="./partials/head.mjml" /></mj-head><mj-body><mj-include path="./partials/masthead.mjml" /><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.template.html.parts.join('')).toContain('Open Net Society</div>');
  });
});
