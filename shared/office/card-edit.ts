/**
 * card/update, checked before sending: which fields each card type may change (the reference's
 * "Common fields" and "Fields specific to different types"), their limits (string(N) counts
 * UTF-8 bytes: notice string(48) is 16 Chinese characters), URL fields, the validity that may
 * only be extended and only for a fixed time range, and which changes send the card back to
 * review (the reference's "Review Required" column). The host runs checkUpdateFields() again
 * before calling WeChat; the edit form uses buildUpdate() to turn its draft into the fields.
 */
import { CardUpdateFieldsByType, cardBody, type Card, type CardUpdateFields } from '../wechat/card';
import { CODE_TYPES, type CardType } from '../wechat/enums';
import {
  parseDay,
  parsePlatformDateTime,
  platformDate,
  platformDateTime,
  platformDayStart,
} from './date-rules';

export type FieldKind =
  | 'text'
  | 'textarea'
  | 'url'
  | 'phone'
  | 'color'
  | 'int'
  | 'bool'
  | 'code_type'
  | 'locations'
  | 'datetime'
  | 'validity'
  | 'custom_field'
  | 'custom_cell';

export interface EditField {
  /** The field's name in card/update: 'notice', 'bonus_rules', 'custom_field1'. */
  name: string;
  /** Under base_info, or beside it under the card's type key. */
  where: 'base_info' | 'type';
  kind: FieldKind;
  /** string(N) of the reference, in UTF-8 bytes. */
  maxBytes?: number;
  /** Changing it sends the card back to review (send_check true, CARD_STATUS_NOT_VERIFY). */
  review: boolean;
}

const base = (name: string, kind: FieldKind, maxBytes?: number, review = false): EditField => ({
  name,
  where: 'base_info',
  kind,
  review,
  ...(maxBytes !== undefined ? { maxBytes } : {}),
});
const typed = (name: string, kind: FieldKind, maxBytes?: number, review = false): EditField => ({
  ...base(name, kind, maxBytes, review),
  where: 'type',
});

/** The reference's common fields, in its order. */
export const BASE_FIELDS: readonly EditField[] = [
  base('logo_url', 'url', 128, true),
  base('notice', 'text', 48, true),
  base('description', 'textarea', 3072, true),
  base('color', 'color', 3072, true),
  base('service_phone', 'phone', 24),
  base('location_id_list', 'locations', 3072),
  base('center_title', 'text', 18),
  base('center_sub_title', 'text', 24),
  base('center_url', 'url', 128),
  base('custom_url_name', 'text', 16),
  base('custom_url', 'url', 128),
  base('custom_url_sub_title', 'text', 18),
  base('promotion_url_name', 'text', 16),
  base('promotion_url', 'url', 128),
  base('promotion_url_sub_title', 'text', 18),
  base('code_type', 'code_type', 16),
  base('get_limit', 'int'),
  base('can_share', 'bool'),
  base('can_give_friend', 'bool'),
  base('date_info', 'validity'),
];

/** The fields beside base_info, per card type. Types not listed have none. */
export const TYPE_FIELDS: Partial<Record<CardType, readonly EditField[]>> = {
  MEMBER_CARD: [
    typed('prerogative', 'textarea', 3072, true),
    typed('bonus_rules', 'textarea', 3072, true),
    typed('bonus_cleared', 'textarea', 3072, true),
    typed('balance_rules', 'textarea', 3072, true),
    typed('custom_field1', 'custom_field'),
    typed('custom_field2', 'custom_field'),
    typed('custom_field3', 'custom_field'),
    typed('custom_cell1', 'custom_cell'),
  ],
  MOVIE_TICKET: [typed('detail', 'textarea', 3072, true)],
  BOARDING_PASS: [
    typed('departure_time', 'datetime'),
    typed('landing_time', 'datetime'),
    typed('boarding_time', 'datetime'),
    typed('gate', 'text', 12),
  ],
  SCENIC_TICKET: [typed('guide_url', 'url', 128)],
  MEETING_TICKET: [typed('map_url', 'url', 128)],
};

/** Limits of the parts of custom_field1-3 and custom_cell1 (string(24)/(128) in the reference). */
export const PART_LIMITS = {
  custom_field: { name: 24, url: 128 },
  custom_cell: { name: 24, tips: 36, url: 128 },
} as const;

export const CUSTOM_FIELD_NAME_TYPES = [
  'FIELD_NAME_TYPE_LEVEL',
  'FIELD_NAME_TYPE_COUPON',
  'FIELD_NAME_TYPE_STAMP',
  'FIELD_NAME_TYPE_DISCOUNT',
  'FIELD_NAME_TYPE_ACHIEVEMEN',
  'FIELD_NAME_TYPE_MILEAGE',
] as const;

export const UPDATABLE_CODE_TYPES = CODE_TYPES.filter((c) => c !== 'CODE_TYPE_NONE');

/** The card colours of the WeChat palette (card/create's color values). */
export const CARD_COLORS: Readonly<Record<string, string>> = {
  Color010: '#63B359',
  Color020: '#2C9F67',
  Color030: '#509FC9',
  Color040: '#5885CF',
  Color050: '#9062C0',
  Color060: '#D09A45',
  Color070: '#E4B138',
  Color080: '#EE903C',
  Color081: '#F08500',
  Color082: '#A9D92D',
  Color090: '#DD6549',
  Color100: '#CC463D',
  Color101: '#CF3E36',
  Color102: '#5E6671',
};

/** A colour value as CSS: palette names are mapped, hex passes, anything else is undefined. */
export function cssColor(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (CARD_COLORS[value]) return CARD_COLORS[value];
  return /^#[0-9a-fA-F]{6}$/.test(value) ? value : undefined;
}

/** Every field card/update accepts for this type, common fields first. */
export function editableFields(type: CardType): readonly EditField[] {
  return [...BASE_FIELDS, ...(TYPE_FIELDS[type] ?? [])];
}

export type EditProblem =
  | { field: string; problem: 'too_long'; max: number }
  | {
      field: string;
      problem:
        | 'not_allowed'
        | 'not_url'
        | 'not_phone'
        | 'not_color'
        | 'not_int'
        | 'at_least_one'
        | 'not_locations'
        | 'not_datetime'
        | 'not_date'
        | 'required'
        | 'bad_choice'
        | 'validity_not_range'
        | 'validity_begin_later'
        | 'validity_end_earlier'
        | 'validity_order'
        | 'nothing_changed'
        | 'invalid';
    };

export const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

/**
 * A URL as the reference writes them: with or without http(s)://, a host with a dot, an optional
 * port and path ("qq.com", "mmbiz.qpic.cn/", "https://www.qq.com/a?b=c"). Empty clears the field.
 */
export function isUrlField(value: string): boolean {
  if (value === '') return true;
  return /^(https?:\/\/)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?::\d{1,5})?(?:[/?#]\S*)?$/.test(
    value,
  );
}

const isPhone = (v: string) => v === '' || /^[0-9+\-() ]{1,24}$/.test(v);
const isColor = (v: string) => CARD_COLORS[v] !== undefined || /^#[0-9a-fA-F]{6}$/.test(v);

function checkString(
  field: string,
  value: string,
  spec: { kind: FieldKind; maxBytes?: number | undefined },
): EditProblem[] {
  if (spec.maxBytes !== undefined && utf8Bytes(value) > spec.maxBytes) {
    return [{ field, problem: 'too_long', max: spec.maxBytes }];
  }
  if (spec.kind === 'url' && !isUrlField(value)) return [{ field, problem: 'not_url' }];
  if (spec.kind === 'phone' && !isPhone(value)) return [{ field, problem: 'not_phone' }];
  if (spec.kind === 'color' && !isColor(value)) return [{ field, problem: 'not_color' }];
  return [];
}

function checkParts(
  field: string,
  value: Record<string, unknown>,
  limits: Record<string, number>,
  required: readonly string[],
): EditProblem[] {
  const out: EditProblem[] = [];
  for (const part of required) {
    if (typeof value[part] !== 'string' || value[part] === '') {
      out.push({ field: `${field}.${part}`, problem: 'required' });
    }
  }
  for (const [part, max] of Object.entries(limits)) {
    const v = value[part];
    if (typeof v !== 'string') continue;
    out.push(
      ...checkString(`${field}.${part}`, v, {
        kind: part === 'url' ? 'url' : 'text',
        maxBytes: max,
      }),
    );
  }
  return out;
}

/** The card's current value of an editable field (undefined when the card has none). */
export function currentValue(card: Card, spec: EditField): unknown {
  const body = cardBody(card) as Record<string, unknown> & { base_info: Record<string, unknown> };
  return spec.where === 'base_info' ? body.base_info[spec.name] : body[spec.name];
}

export interface CheckedUpdate {
  ok: boolean;
  problems: EditProblem[];
  /** The fields that send the card back to review, in form order. */
  review: string[];
  fields?: CardUpdateFields;
}

/**
 * Checks card/update's fields for this card as the platform would: known fields of its type
 * only, the reference's lengths, URLs, extend-only validity for fixed ranges. The host calls
 * this before sending; nothing that fails here reaches WeChat.
 */
export function checkUpdateFields(card: Card, fields: unknown): CheckedUpdate {
  const type = card.card_type;
  const problems: EditProblem[] = [];
  const parsed = CardUpdateFieldsByType[type].safeParse(fields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).filter((p) => p !== 'base_info');
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [path.join('.') || 'fields'];
      for (const key of keys) {
        problems.push({
          field: key,
          problem: issue.code === 'unrecognized_keys' ? 'not_allowed' : 'invalid',
        });
      }
    }
    return { ok: false, problems, review: [] };
  }
  const data = parsed.data as Record<string, unknown> & { base_info?: Record<string, unknown> };
  const given: [EditField, unknown][] = [];
  for (const spec of editableFields(type)) {
    const value = spec.where === 'base_info' ? data.base_info?.[spec.name] : data[spec.name];
    if (value !== undefined) given.push([spec, value]);
  }
  if (given.length === 0) problems.push({ field: 'fields', problem: 'nothing_changed' });

  for (const [spec, value] of given) {
    const field = spec.name;
    switch (spec.kind) {
      case 'text':
      case 'textarea':
      case 'url':
      case 'phone':
      case 'color':
      case 'code_type':
        if (typeof value === 'string') problems.push(...checkString(field, value, spec));
        break;
      case 'locations': {
        const ids = value as number[];
        if (utf8Bytes(ids.join(',')) > 3072)
          problems.push({ field, problem: 'too_long', max: 3072 });
        if (ids.length > 1 && ids.includes(0)) problems.push({ field, problem: 'not_locations' });
        break;
      }
      case 'custom_field':
        problems.push(
          ...checkParts(field, value as Record<string, unknown>, PART_LIMITS.custom_field, []),
        );
        break;
      case 'custom_cell':
        problems.push(
          ...checkParts(field, value as Record<string, unknown>, PART_LIMITS.custom_cell, [
            'name',
            'url',
          ]),
        );
        break;
      case 'validity': {
        const next = value as { begin_timestamp: number; end_timestamp: number };
        const now = cardBody(card).base_info.date_info;
        if (now.type !== 'DATE_TYPE_FIX_TIME_RANGE') {
          problems.push({ field, problem: 'validity_not_range' });
          break;
        }
        if (next.begin_timestamp > now.begin_timestamp) {
          problems.push({ field: 'date_info.begin', problem: 'validity_begin_later' });
        }
        if (next.end_timestamp < now.end_timestamp) {
          problems.push({ field: 'date_info.end', problem: 'validity_end_earlier' });
        }
        if (next.begin_timestamp > next.end_timestamp) {
          problems.push({ field: 'date_info.end', problem: 'validity_order' });
        }
        break;
      }
      default:
        break;
    }
  }
  const review = given.filter(([spec]) => spec.review).map(([spec]) => spec.name);
  return problems.length
    ? { ok: false, problems, review }
    : { ok: true, problems, review, fields: parsed.data as CardUpdateFields };
}

// ---- the edit form's draft -----------------------------------------------------------------

/** What the edit form holds per field: text as typed, booleans, and the parts of compounds. */
export type DraftValue = string | boolean | Readonly<Record<string, string>>;
export type Draft = Readonly<Record<string, DraftValue>>;

function draftOf(spec: EditField, value: unknown): DraftValue {
  switch (spec.kind) {
    case 'bool':
      return typeof value === 'boolean' ? value : true;
    case 'int':
      return typeof value === 'number' ? String(value) : '';
    case 'locations':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'datetime':
      return typeof value === 'number' ? platformDateTime(value) : '';
    case 'validity': {
      const v = value as { type?: string; begin_timestamp?: number; end_timestamp?: number };
      return v?.type === 'DATE_TYPE_FIX_TIME_RANGE' &&
        v.begin_timestamp !== undefined &&
        v.end_timestamp !== undefined
        ? { begin: platformDate(v.begin_timestamp), end: platformDate(v.end_timestamp) }
        : { begin: '', end: '' };
    }
    case 'custom_field': {
      const v = (value ?? {}) as Record<string, unknown>;
      return {
        name_type: typeof v.name_type === 'string' ? v.name_type : '',
        name: typeof v.name === 'string' ? v.name : '',
        url: typeof v.url === 'string' ? v.url : '',
      };
    }
    case 'custom_cell': {
      const v = (value ?? {}) as Record<string, unknown>;
      return {
        name: typeof v.name === 'string' ? v.name : '',
        tips: typeof v.tips === 'string' ? v.tips : '',
        url: typeof v.url === 'string' ? v.url : '',
      };
    }
    default:
      return typeof value === 'string' ? value : '';
  }
}

/** The edit form's starting values: what the card has now. */
export function draftFromCard(card: Card): Record<string, DraftValue> {
  return Object.fromEntries(
    editableFields(card.card_type)
      .filter((spec) => spec.kind !== 'validity' || isFixedRange(card))
      .map((spec) => [spec.name, draftOf(spec, currentValue(card, spec))]),
  );
}

export function isFixedRange(card: Card): boolean {
  return cardBody(card).base_info.date_info.type === 'DATE_TYPE_FIX_TIME_RANGE';
}

const sameDraft = (a: DraftValue, b: DraftValue) => JSON.stringify(a) === JSON.stringify(b);

export interface Change {
  field: string;
  review: boolean;
  before: unknown;
  after: unknown;
}

export interface BuiltUpdate extends CheckedUpdate {
  /** The fields the draft changes, with the card's value before and the value to send. */
  changes: Change[];
}

/** The value to send for one changed field, or the problems with what was typed. */
function wireValue(
  card: Card,
  spec: EditField,
  value: DraftValue,
): { value: unknown } | { problems: EditProblem[] } {
  const field = spec.name;
  const text = typeof value === 'string' ? value.trim() : '';
  switch (spec.kind) {
    case 'bool':
      return { value: value === true };
    case 'int':
      if (!/^\d+$/.test(text)) return { problems: [{ field, problem: 'not_int' }] };
      if (Number(text) < 1) return { problems: [{ field, problem: 'at_least_one' }] };
      return { value: Number(text) };
    case 'locations': {
      if (text === '') return { value: [0] }; // the reference's "0": no stores
      const parts = text.split(/[\s,，、]+/).filter(Boolean);
      if (!parts.every((p) => /^\d{1,18}$/.test(p) && Number(p) > 0)) {
        return { problems: [{ field, problem: 'not_locations' }] };
      }
      return { value: [...new Set(parts.map(Number))] };
    }
    case 'datetime': {
      const seconds = parsePlatformDateTime(text);
      return seconds === undefined
        ? { problems: [{ field, problem: 'not_datetime' }] }
        : { value: seconds };
    }
    case 'code_type':
      return (UPDATABLE_CODE_TYPES as readonly string[]).includes(text)
        ? { value: text }
        : { problems: [{ field, problem: 'bad_choice' }] };
    case 'validity': {
      const v = value as Record<string, string>;
      const now = cardBody(card).base_info.date_info;
      if (now.type !== 'DATE_TYPE_FIX_TIME_RANGE') {
        return { problems: [{ field, problem: 'validity_not_range' }] };
      }
      const problems: EditProblem[] = [];
      if (parseDay(v.begin ?? '') === undefined)
        problems.push({ field: 'date_info.begin', problem: 'not_date' });
      if (parseDay(v.end ?? '') === undefined)
        problems.push({ field: 'date_info.end', problem: 'not_date' });
      if (problems.length) return { problems };
      // An unchanged day keeps its exact time; a new day starts at 00:00 or ends at 23:59:59.
      const begin =
        v.begin === platformDate(now.begin_timestamp)
          ? now.begin_timestamp
          : platformDayStart(v.begin!);
      const end =
        v.end === platformDate(now.end_timestamp)
          ? now.end_timestamp
          : platformDayStart(v.end!) + 86_399;
      return {
        value: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: begin, end_timestamp: end },
      };
    }
    case 'custom_field': {
      const v = value as Record<string, string>;
      const out: Record<string, string> = {};
      if (v.name_type) {
        if (!(CUSTOM_FIELD_NAME_TYPES as readonly string[]).includes(v.name_type)) {
          return { problems: [{ field: `${field}.name_type`, problem: 'bad_choice' }] };
        }
        out.name_type = v.name_type;
      }
      if (v.name?.trim()) out.name = v.name.trim();
      if (v.url?.trim()) out.url = v.url.trim();
      return { value: out };
    }
    case 'custom_cell': {
      const v = value as Record<string, string>;
      return {
        value: {
          name: v.name?.trim() ?? '',
          ...(v.tips?.trim() ? { tips: v.tips.trim() } : {}),
          url: v.url?.trim() ?? '',
        },
      };
    }
    default:
      return { value: text };
  }
}

/**
 * Turns the edit form's draft into card/update's fields: only the fields that differ from the
 * card (an unchanged review field would still send the card back to review), checked with
 * checkUpdateFields(). `changes` says what changes, `review` which of them need review.
 */
export function buildUpdate(card: Card, draft: Draft): BuiltUpdate {
  const start = draftFromCard(card);
  const problems: EditProblem[] = [];
  const changes: Change[] = [];
  const baseInfo: Record<string, unknown> = {};
  const typeFields: Record<string, unknown> = {};
  for (const spec of editableFields(card.card_type)) {
    const value = draft[spec.name];
    const before = start[spec.name];
    if (value === undefined || before === undefined || sameDraft(value, before)) continue;
    const wire = wireValue(card, spec, value);
    if ('problems' in wire) {
      problems.push(...wire.problems);
      continue;
    }
    const current = currentValue(card, spec);
    if (JSON.stringify(wire.value) === JSON.stringify(current)) continue;
    // Clearing the stores of a card that has none is no change either.
    if (spec.kind === 'locations' && JSON.stringify(wire.value) === '[0]' && !current) continue;
    changes.push({ field: spec.name, review: spec.review, before: current, after: wire.value });
    (spec.where === 'base_info' ? baseInfo : typeFields)[spec.name] = wire.value;
  }
  const fields = {
    ...(Object.keys(baseInfo).length ? { base_info: baseInfo } : {}),
    ...typeFields,
  };
  if (changes.length === 0 && problems.length === 0) {
    return { ok: false, problems: [], review: [], changes };
  }
  const checked = checkUpdateFields(card, fields);
  const all = [...problems, ...checked.problems.filter((p) => p.problem !== 'nothing_changed')];
  return all.length
    ? { ok: false, problems: all, review: checked.review, changes }
    : { ...checked, changes };
}
