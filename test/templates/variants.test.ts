import { describe, expect, it } from 'vitest';
import { pickVariant } from '../../src/templates/pickVariant.ts';
import { renderFor } from '../../src/templates/render.ts';
import { compiled, doc, flat, links } from './fixtures.ts';

const variants = {
  defaultLanguage: 'en',
  default: { subject: 'News', mjml: doc('<mj-text>Hello {{name}}</mj-text>') },
  others: {
    fr: { subject: 'Nouvelles', mjml: doc('<mj-text>Bonjour {{name}}</mj-text>') },
    'pt-BR': { subject: 'Notícias', mjml: doc('<mj-text>Olá {{name}}</mj-text>') },
  },
};

describe('picking a language variant', () => {
  it.each([
    ['fr', 'fr', 'Nouvelles'],
    ['FR', 'fr', 'Nouvelles'],
    ['fr-CA', 'fr', 'Nouvelles'],
    ['pt-br', 'pt-BR', 'Notícias'],
    ['de', 'en', 'News'],
    ['', 'en', 'News'],
    [null, 'en', 'News'],
    ['constructor', 'en', 'News'],
  ])('for %s gives %s', (language, expected, subject) => {
    const picked = pickVariant(variants, language);
    expect(picked.language).toBe(expected);
    expect(picked.variant.subject).toBe(subject);
  });

  it('works with no translations at all', () => {
    expect(pickVariant({ defaultLanguage: 'es', default: 1 }, 'fr')).toEqual({ language: 'es', variant: 1 });
  });

  it('gives a French member the French content with the French footer', async () => {
    const { language, variant } = pickVariant(variants, 'fr-BE');
    const template = await compiled({
      mjml: variant.mjml,
      language,
      topicLabel: 'les nouvelles de la Société',
    });
    const { html, text } = renderFor(template, { name: 'Zoé', ...links });
    expect(html).toContain('<html lang="fr"');
    expect(text).toContain('Bonjour Zoé');
    expect(flat(text)).toContain('et avez choisi de recevoir les nouvelles de la Société par e-mail.');
    expect(text).toContain('Gérer vos préférences de messages');
  });
});
