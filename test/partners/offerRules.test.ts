import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OFFER_STATES } from '../../src/db/schema.ts';
import { renderOfferMarkdown } from '../../src/partners/markdown.ts';
import { offerInputSchema } from '../../src/partners/offerInput.ts';
import { type OfferAction, type OfferState, offerTransition } from '../../src/partners/offerStates.ts';
import { withhold } from '../../src/partners/report.ts';
import { segmentFromTargeting } from '../../src/partners/targeting.ts';

const STATES: readonly OfferState[] = OFFER_STATES;
const ACTIONS: OfferAction[] = [
  'start-review',
  'request-changes',
  'approve',
  'reject',
  'resubmit',
  'schedule',
  'mark-sent',
  'withdraw',
];

describe('offer state machine', () => {
  it('has exactly the legal moves of the diagram', () => {
    const legal = STATES.flatMap((from) =>
      ACTIONS.flatMap((action) => {
        const t = offerTransition(from, action);
        return t.type === 'ok' ? [`${from} -${action}-> ${t.to}`] : [];
      }),
    );
    expect(legal.sort()).toEqual(
      [
        'submitted -start-review-> in-review',
        'in-review -request-changes-> changes-requested',
        'in-review -approve-> approved',
        'in-review -reject-> rejected',
        'changes-requested -resubmit-> submitted',
        'approved -schedule-> scheduled',
        'scheduled -mark-sent-> sent',
        'submitted -withdraw-> withdrawn',
        'in-review -withdraw-> withdrawn',
        'changes-requested -withdraw-> withdrawn',
        'approved -withdraw-> withdrawn',
        'scheduled -withdraw-> withdrawn',
      ].sort(),
    );
  });

  it('never leaves a final state, and says why', () => {
    for (const from of ['rejected', 'sent', 'withdrawn'] as const) {
      for (const action of ACTIONS) {
        const t = offerTransition(from, action);
        expect(t).toMatchObject({ type: 'illegal', from });
        expect(t.type === 'illegal' && t.message).toContain(from);
      }
    }
  });
});

describe('withhold', () => {
  it('shows counts of 10 and more, and "<10" below', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), (n) => {
        expect(withhold(n)).toBe(n < 10 ? '<10' : n);
      }),
    );
    expect(withhold(9)).toBe('<10');
    expect(withhold(10)).toBe(10);
  });
});

describe('offer Markdown', () => {
  it('strips raw HTML, scripts, event handlers, images and unsafe links', () => {
    const html = renderOfferMarkdown(
      [
        '# Big news',
        'Some **bold** and a [link](https://shop.example/x).',
        '<script>alert(1)</script>',
        '<img src="https://evil.example/p.gif" onerror="alert(2)">',
        '<div style="display:none">hidden</div>',
        '[bad](javascript:alert(3)) ![pixel](https://tracker.example/p.gif)',
        '<a href="https://evil.example">raw link</a>',
      ].join('\n\n'),
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://shop.example/x" rel="noopener">link</a>');
    expect(html).toContain('<h2>Big news</h2>');
    for (const banned of [
      '<script',
      'alert(',
      '<img',
      'onerror',
      'style=',
      '<div',
      'javascript:',
      'tracker.example',
      'evil.example',
    ]) {
      expect(html).not.toContain(banned);
    }
  });
});

describe('offer input', () => {
  const schema = offerInputSchema({
    imageHosts: ['img.partner.example'],
    now: () => new Date('2030-01-01T00:00:00Z'),
  });
  const good = {
    title: 'Spring sale',
    subject: 'Members save 20%',
    headline: 'Save on books',
    body: 'All **books** 20% off.',
    ctaUrl: 'https://books.example/sale',
    imageUrl: 'https://img.partner.example/b.png',
    sendWindow: { from: '2030-03-01T09:00:00Z', to: '2030-03-10T17:00:00Z' },
    maxRecipients: 500,
    targeting: { countries: ['FR'], languages: ['fr'] },
  };
  const issues = (input: unknown) =>
    schema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('accepts a good offer', () => {
    expect(issues(good)).toEqual([]);
  });

  it('names each bad field', () => {
    expect(issues({ ...good, ctaUrl: 'http://books.example' })).toEqual([
      'ctaUrl: ctaUrl must be an absolute https:// URL',
    ]);
    expect(issues({ ...good, imageUrl: 'https://elsewhere.example/b.png' })).toEqual([
      'imageUrl: imageUrl must be on an allowed host: img.partner.example',
    ]);
    expect(issues({ ...good, sendWindow: { from: good.sendWindow.to, to: good.sendWindow.from } })).toEqual([
      'sendWindow.to: sendWindow.to must be after from',
    ]);
    expect(issues({ ...good, maxRecipients: 0 })).toEqual([
      'maxRecipients: maxRecipients must be at least 1',
    ]);
    expect(issues({ ...good, subject: 'Hi\r\nBcc: x@y' })).toEqual(['subject: subject must be one line']);
    expect(issues({ ...good, targeting: { chapter: ['Paris'] } })).toEqual([
      'targeting: only countries, membershipTypes and languages may be targeted, not chapter',
    ]);
    expect(issues({ ...good, title: undefined })[0]).toBe('title: title is required');
  });

  it('turns targeting into a segment of coarse attributes only', () => {
    expect(segmentFromTargeting({})).toEqual({ all: [] });
    expect(
      segmentFromTargeting({ countries: ['FR'], membershipTypes: ['student'], languages: ['fr'] }),
    ).toEqual({
      all: [
        { field: 'country', op: 'in', values: ['FR'] },
        { field: 'membershipType', op: 'in', values: ['student'] },
        { field: 'language', op: 'in', values: ['fr'] },
      ],
    });
  });
});
