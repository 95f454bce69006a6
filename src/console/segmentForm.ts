import { type Condition, parseSegment, type Segment } from '../audiences/segment.ts';

/**
 * The segment builder form: a fixed set of fields, each one condition, all of
 * them required together (`{ all: [...] }`). An empty field adds nothing, so
 * an empty form is everybody with the consent. Pure both ways, so the page can
 * show a stored segment again and the tests need no browser.
 */
export interface SegmentForm {
  countries: string;
  languages: string;
  membershipTypes: string;
  chapters: string;
  statuses: string[];
  joinedAfter: string;
  joinedBefore: string;
  renewedAfter: string;
  /**
   * A stored segment the fields cannot express (built through the API), as
   * JSON: kept as it is unless staff replace it with the fields. Empty: none.
   */
  kept: string;
}

export const EMPTY_SEGMENT_FORM: SegmentForm = {
  countries: '',
  languages: '',
  membershipTypes: '',
  chapters: '',
  statuses: ['active'],
  joinedAfter: '',
  joinedBefore: '',
  renewedAfter: '',
  kept: '',
};

type ListField = 'countries' | 'languages' | 'membershipTypes' | 'chapters';
const LISTS: {
  form: ListField;
  field: 'country' | 'language' | 'membershipType' | 'chapter';
  norm: (s: string) => string;
}[] = [
  { form: 'countries', field: 'country', norm: (s) => s.toUpperCase() },
  { form: 'languages', field: 'language', norm: (s) => s.toLowerCase() },
  { form: 'membershipTypes', field: 'membershipType', norm: (s) => s },
  { form: 'chapters', field: 'chapter', norm: (s) => s },
];
type DateFormField = 'joinedAfter' | 'joinedBefore' | 'renewedAfter';
const DATES: { form: DateFormField; field: 'joinedOn' | 'renewedOn'; op: 'after' | 'before' }[] = [
  { form: 'joinedAfter', field: 'joinedOn', op: 'after' },
  { form: 'joinedBefore', field: 'joinedOn', op: 'before' },
  { form: 'renewedAfter', field: 'renewedOn', op: 'after' },
];

const split = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export type FormSegment =
  | { type: 'ok'; segment: Segment }
  | { type: 'invalid'; errors: Record<string, string> };

/** The form as a segment, or the problems by form field. */
export function segmentFromForm(form: SegmentForm): FormSegment {
  if (form.kept) {
    let json: unknown;
    try {
      json = JSON.parse(form.kept);
    } catch {
      json = undefined;
    }
    const kept = parseSegment(json);
    return kept.type === 'ok'
      ? { type: 'ok', segment: kept.segment }
      : { type: 'invalid', errors: { kept: 'the audience kept from before is not valid; replace it' } };
  }
  const conditions: { form: string; condition: Condition }[] = [];
  for (const l of LISTS) {
    const values = [...new Set(split(form[l.form]).map(l.norm))];
    if (values.length > 0) conditions.push({ form: l.form, condition: { field: l.field, op: 'in', values } });
  }
  if (form.statuses.length > 0) {
    conditions.push({
      form: 'statuses',
      condition: { field: 'status', op: 'in', values: [...new Set(form.statuses)] },
    });
  }
  for (const d of DATES) {
    const value = form[d.form].trim();
    if (value) conditions.push({ form: d.form, condition: { field: d.field, op: d.op, value } });
  }
  const errors: Record<string, string> = {};
  for (const c of conditions) {
    const parsed = parseSegment(c.condition);
    if (parsed.type === 'invalid') errors[c.form] = parsed.issues.map((i) => i.message).join('; ');
  }
  if (Object.keys(errors).length > 0) return { type: 'invalid', errors };
  return { type: 'ok', segment: { all: conditions.map((c) => c.condition) } };
}

/** A stored segment as the form's fields, or else kept whole. */
export function formOfSegment(segment: Segment): SegmentForm {
  return formFromSegment(segment) ?? { ...EMPTY_SEGMENT_FORM, statuses: [], kept: JSON.stringify(segment) };
}

/** A stored segment as the form, or null when it was built elsewhere (the API) in a shape the form cannot show. */
export function formFromSegment(segment: Segment): SegmentForm | null {
  const form: SegmentForm = { ...EMPTY_SEGMENT_FORM, statuses: [] };
  const parts = 'all' in segment ? segment.all : [segment];
  const used = new Set<string>();
  for (const part of parts) {
    if (!('field' in part)) return null;
    const list = LISTS.find((l) => l.field === part.field);
    if (list && part.op === 'in' && !used.has(list.form)) {
      form[list.form] = part.values.join(', ');
      used.add(list.form);
      continue;
    }
    if (part.field === 'status' && part.op === 'in' && !used.has('statuses')) {
      form.statuses = [...part.values];
      used.add('statuses');
      continue;
    }
    const date = DATES.find((d) => d.field === part.field && d.op === part.op);
    if (date && 'value' in part && !used.has(date.form)) {
      form[date.form] = part.value;
      used.add(date.form);
      continue;
    }
    return null;
  }
  return form;
}
