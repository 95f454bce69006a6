import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown without raw HTML: any HTML a partner writes is dropped by the
 * renderer, and what marked produces is then cut down by sanitize-html to
 * plain text formatting and https/mailto links — no images (an offer's one
 * image comes from an allow-listed host, elsewhere), no styles, no scripts.
 */
const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: () => '',
  },
});

const SAFE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'b', 'i', 'ul', 'ol', 'li', 'a', 'h2', 'h3', 'blockquote', 'code'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    h1: 'h2',
    h4: 'h3',
    h5: 'h3',
    h6: 'h3',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener' }),
  },
};

/** An offer body in Markdown as safe HTML for the partner-offer template. */
export function renderOfferMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeHtml(html, SAFE).trim();
}
