import { convert, type HtmlToTextOptions } from 'html-to-text';

const OPTIONS: HtmlToTextOptions = {
  wordwrap: 78,
  selectors: [
    // Images carry no text worth a line; their alt text is for screen readers.
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // Uppercasing would turn {{name}} into {{NAME}}.
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
};

/** The text part of a compiled email; placeholders pass through untouched. */
export function htmlToText(html: string): string {
  return convert(html, OPTIONS);
}
