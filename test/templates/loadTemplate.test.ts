import { describe, expect, it } from 'vitest';
import { listTemplates, loadTemplate } from '../../src/templates/loadTemplate.ts';
import { renderFor } from '../../src/templates/render.ts';
import { compiled, links } from './fixtures.ts';

describe('loading a template from emails/', () => {
  it('lists the shipped templates, not the partials', async () => {
    expect(await listTemplates()).toEqual(['partner-offer', 'society-mailing']);
  });

  it.each([
    '../package',
    'partials/head',
    '/etc/passwd',
    'Society-Mailing',
    'society-mailing.mjml',
    '',
    'missing',
  ])('treats %j as unknown', async (name) => {
    expect(await loadTemplate(name)).toEqual({ ok: false, type: 'unknown-template', name });
  });

  it('compiles the Society newsletter into a personalised, accessible message', async () => {
    const loaded = await loadTemplate('society-mailing');
    if (!loaded.ok) throw new Error('society-mailing is missing');
    const template = await compiled({ mjml: loaded.mjml });
    const { html, text } = renderFor(template, { name: 'Ada Lovelace', ...links });
    expect(html).toContain('<html lang="en"');
    expect(html).toContain('<title>News from Open Net Society</title>');
    expect(html).toContain('Dear Ada Lovelace,');
    expect(html).not.toMatch(/fonts\.googleapis|<img(?![^>]*alt=)/);
    expect(text).toContain('Register for the forum [https://www.society.example/forum]');
    expect(text).toContain(links.unsubscribeUrl);
  });
});
