import { SLOTS } from './placeholders.ts';
import type { SplitText } from './types.ts';

/** `{{ name }}` as written in content and left in place by mjml. */
export const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

/**
 * Splits compiled output once into literal parts and slots, baking in the
 * compile-time constants, so each recipient costs one join. `pattern`
 * captures a placeholder's name; names outside SLOTS and `constants` must
 * have been rejected before.
 */
export function splitAtPlaceholders(
  source: string,
  constants: Readonly<Record<string, string>>,
  pattern: RegExp = PLACEHOLDER,
): SplitText {
  const parts: string[] = [];
  const slots: number[] = [];
  let literal = '';
  let from = 0;
  for (const match of source.matchAll(pattern)) {
    const name = match[1]!;
    literal += source.slice(from, match.index);
    from = match.index + match[0].length;
    const slot = SLOTS.indexOf(name as (typeof SLOTS)[number]);
    if (slot !== -1) {
      parts.push(literal);
      slots.push(slot);
      literal = '';
    } else if (Object.hasOwn(constants, name)) {
      literal += constants[name];
    } else {
      throw new Error(`Placeholder {{${name}}} reached the split unchecked`);
    }
  }
  parts.push(literal + source.slice(from));
  return { parts, slots };
}

/** Joins parts and per-recipient values: the whole per-recipient cost. */
export function joinParts({ parts, slots }: SplitText, values: readonly string[]): string {
  let out = parts[0]!;
  for (let i = 0; i < slots.length; i++) out += values[slots[i]!]! + parts[i + 1]!;
  return out;
}
