/**
 * A campaign's content in its default language plus optional translations,
 * keyed by language tag ('fr', 'pt-BR').
 */
export interface Variants<V> {
  defaultLanguage: string;
  default: V;
  others?: Readonly<Record<string, V>>;
}

/**
 * The variant for a recipient's language: the exact tag, then its primary
 * language ('fr-CA' → 'fr'), then the default. Tags compare case-insensitively.
 */
export function pickVariant<V>(
  variants: Variants<V>,
  language: string | null | undefined,
): { language: string; variant: V } {
  const fallback = { language: variants.defaultLanguage, variant: variants.default };
  if (!language || !variants.others) return fallback;
  const wanted = language.trim().toLowerCase();
  const primary = wanted.split('-')[0]!;
  let primaryMatch: { language: string; variant: V } | undefined;
  for (const [tag, variant] of Object.entries(variants.others)) {
    const t = tag.toLowerCase();
    if (t === wanted) return { language: tag, variant };
    if (t === primary) primaryMatch = { language: tag, variant };
  }
  return primaryMatch ?? fallback;
}
