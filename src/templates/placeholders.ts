import type { PlaceholderIssue } from './types.ts';

/** Per-recipient placeholders, in the order of the values array a render builds. */
export const SLOTS = ['name', 'first_name', 'unsubscribe_url', 'preferences_url'] as const;
export type Slot = (typeof SLOTS)[number];

/** Filled once at compile time from config: the same for every recipient. */
export const CONSTANTS = ['society_name'] as const;

/** Placeholders a subject line may carry: no links in a subject. */
export const SUBJECT_SLOTS = ['name', 'first_name'] as const;

/** `{{ anything }}` without braces inside; the name is trimmed. */
const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * Every placeholder in `source` whose name is not in `known`, with its line,
 * so an editor can find it.
 */
export function unknownPlaceholders(source: string, known: readonly string[]): PlaceholderIssue[] {
  const issues: PlaceholderIssue[] = [];
  for (const match of source.matchAll(ANY_PLACEHOLDER)) {
    const placeholder = match[1]!.trim();
    if (known.includes(placeholder)) continue;
    issues.push({
      line: lineAt(source, match.index),
      placeholder,
      message: `Unknown placeholder {{${placeholder}}}; use one of ${known.map((k) => `{{${k}}}`).join(', ')}`,
    });
  }
  return issues;
}

/** 1-based line number of `index` in `source`. */
export function lineAt(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

const HTML_SPECIAL = /[&<>"'{}]/;
const HTML_SPECIAL_ALL = /[&<>"'{}]/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Braces too, so an inserted value can never form a placeholder.
  '{': '&#123;',
  '}': '&#125;',
};

/** Escapes a value for HTML text and quoted attributes alike. */
export function escapeHtml(value: string): string {
  return HTML_SPECIAL.test(value) ? value.replace(HTML_SPECIAL_ALL, (c) => ENTITIES[c]!) : value;
}
