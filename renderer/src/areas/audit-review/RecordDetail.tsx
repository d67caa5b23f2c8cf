/**
 * A record's details (the `detail` JSON of an audit record) as labelled pairs in the operator's
 * language: each known field has a label, and its value is translated by what it is (a code's
 * or a card's status, a refund reason, a verdict, yes/no, a time in the store's zone, a number).
 * Ids, codes and values CardDesk has no words for stay as they are, in `.mono translate="no"`.
 * A field this version does not know (written by a newer one) is not dropped: it is listed under
 * "Other details" with its own name.
 */
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import i18next, { type TFunction } from 'i18next';
import type { JsonValue } from '../../../../shared/audit';
import { dateTime } from '../../kit/date-time';

type Kind =
  | 'id'
  | 'merchant'
  | 'time'
  | 'status'
  | 'cardStatus'
  | 'reason'
  | 'verdict'
  | 'errorKey'
  | 'action'
  | 'cardType'
  | 'role'
  | 'fault'
  | 'target'
  | 'upper'
  | 'value'
  | 'settings';

/** Each known field and how its value reads. */
const FIELDS: Record<string, Kind> = {
  // refunds and writes
  reason: 'reason',
  note: 'merchant',
  supervisor_id: 'id',
  write_id: 'id',
  attempt: 'value',
  status: 'status',
  status_before: 'status',
  status_after: 'cardStatus',
  last_status: 'status',
  read: 'value',
  reads: 'value',
  window_passed: 'value',
  decision: 'value',
  settled: 'value',
  confirmed_here: 'value',
  result: 'value',
  sent: 'value',
  retry_at: 'time',
  next_at: 'time',
  why: 'merchant',
  // lookups
  purpose: 'value',
  source: 'value',
  verdict: 'verdict',
  tone: 'value',
  length: 'value',
  error: 'errorKey',
  title: 'merchant',
  warnings: 'value',
  pending: 'action',
  encrypted: 'value',
  // operators, sign-in and settings
  until: 'time',
  locked_until: 'time',
  switch: 'value',
  by: 'id',
  setup: 'value',
  after: 'value',
  before: 'value',
  manager: 'value',
  changes: 'settings',
  setting: 'id',
  added: 'value',
  operator: 'id',
  id: 'id',
  name: 'merchant',
  role: 'role',
  where: 'value',
  pin: 'value',
  unknown_ids: 'value',
  count: 'value',
  first_at: 'time',
  last_at: 'time',
  minute: 'time',
  reasons: 'value',
  removed: 'id',
  kept: 'id',
  open_writes: 'value',
  // back office
  offset: 'value',
  statuses: 'cardStatus',
  total: 'value',
  returned: 'value',
  cards: 'value',
  fresh: 'value',
  from_cache: 'value',
  failed: 'value',
  card_type: 'cardType',
  fields: 'id',
  review: 'value',
  send_check: 'value',
  direction: 'value',
  amount: 'value',
  new_code: 'id',
  openid: 'id',
  codes: 'value',
  has_share_card: 'value',
  call: 'id',
  refused_before_sending: 'errorKey',
  report: 'id',
  begin: 'id',
  end: 'id',
  rows: 'value',
  // training
  event: 'value',
  fault: 'fault',
  target: 'target',
  errcode: 'id',
  training: 'value',
  // exports
  format: 'upper',
  file: 'id',
  filter: 'value',
  time_zone: 'id',
};

const Raw = ({ children }: { children: ReactNode }) => (
  <span className="mono" translate="no">
    {children}
  </span>
);

/** The first of these message keys that exists, translated. */
function firstOf(t: TFunction, keys: string[], params: Record<string, unknown> = {}) {
  const key = keys.find((k) => i18next.exists(k));
  return key ? t(key, params) : undefined;
}

function Value({
  name,
  value,
  kind,
  tz,
}: {
  name: string;
  value: JsonValue;
  kind: Kind;
  tz: string;
}) {
  const { t, i18n } = useTranslation();
  if (value === null) return <>—</>;
  if (typeof value === 'boolean') return <>{t(value ? 'review.record.yes' : 'review.record.no')}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <>—</>;
    return (
      <>
        {value.map((v, i) => (
          <Fragment key={i}>
            {i > 0 && t('review.record.listSeparator')}
            <Value name={name} value={v} kind={kind} tz={tz} />
          </Fragment>
        ))}
      </>
    );
  }
  if (typeof value === 'object') {
    return <Pairs detail={value} tz={tz} nested settings={kind === 'settings'} />;
  }
  if (kind === 'time' && typeof value === 'number') {
    return <>{dateTime(value, i18n.language, tz, { seconds: true })}</>;
  }
  if (kind === 'time' && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return <>{dateTime(Date.parse(value), i18n.language, tz, { seconds: true })}</>;
  }
  if (typeof value === 'number') {
    if (kind === 'id') return <Raw>{value}</Raw>;
    return <>{new Intl.NumberFormat(i18n.language).format(value)}</>;
  }
  if (kind === 'merchant') {
    return (
      <span className="wrap" data-merchant>
        {value}
      </span>
    );
  }
  if (kind === 'upper') return <>{value.toUpperCase()}</>;
  const words = firstOf(t, keysFor(kind, value), { errcode: '', call: '', detail: '' });
  return words ? <>{words}</> : <Raw>{value}</Raw>;
}

/** The message keys that may name a value of this kind, best first. */
function keysFor(kind: Kind, v: string): string[] {
  const value = `review.record.values.${v.replace(/[ .]/g, '_')}`;
  switch (kind) {
    case 'status':
    case 'cardStatus':
      return [`office.codeStatus.${v}`, `office.status.${v}`, value];
    case 'reason':
    case 'errorKey':
      return [
        `refunds.reasons.${v}`,
        value,
        v,
        `verdict.title.${v}`,
        `review.summary.reasonKeys.${v}`,
      ];
    case 'verdict':
      return [`verdict.title.${v}`, value];
    case 'action':
      return [`review.actions.${v}`];
    case 'cardType':
      return [`office.cardType.${v}`];
    case 'role':
      return [`ui.roles.${v}`];
    case 'fault':
      return [`ui.demo.training.faults.${v}`];
    case 'target':
      return [`ui.demo.training.targets.${v}`, value];
    case 'value':
      return [value];
    default:
      return [];
  }
}

/** A field's label; inside a value, a key that is itself a value (a reason's count). */
function label(name: string, t: TFunction, nested: boolean): ReactNode {
  if (name in FIELDS && i18next.exists(`review.record.details.${name}`)) {
    return t(`review.record.details.${name}`);
  }
  if (nested && i18next.exists(`review.record.values.${name}`)) {
    return t(`review.record.values.${name}`);
  }
  return undefined;
}

/** Pairs of one object: known fields labelled, unknown ones (at the top level) under "Other". */
function Pairs({
  detail,
  tz,
  nested = false,
  settings = false,
}: {
  detail: { [k: string]: JsonValue };
  tz: string;
  nested?: boolean;
  settings?: boolean;
}) {
  const { t } = useTranslation();
  const entries = Object.entries(detail);
  // A setting's or a card field's name (counter.cameraBox, description) is an id: as it is.
  const labelOf = (k: string) => (settings ? <Raw>{k}</Raw> : label(k, t, nested));
  const known = (k: string) => labelOf(k) !== undefined;
  const other = entries.filter(([k]) => !known(k));
  const row = (k: string, v: JsonValue, label: ReactNode) => (
    <Fragment key={k}>
      <dt data-key={k}>{label}</dt>
      <dd>
        <Value name={k} value={v} kind={settings ? 'value' : (FIELDS[k] ?? 'id')} tz={tz} />
      </dd>
    </Fragment>
  );
  return (
    <dl className={nested ? 'kv nested' : 'kv'} data-testid={nested ? undefined : 'record-detail'}>
      {entries.filter(([k]) => known(k)).map(([k, v]) => row(k, v, labelOf(k)))}
      {other.length > 0 && (
        <>
          <dt className="detail-other">{t('review.record.otherDetails')}</dt>
          <dd className="detail-other">
            <dl className="kv nested" data-testid="record-detail-other">
              {other.map(([k, v]) => row(k, v, <Raw>{k}</Raw>))}
            </dl>
          </dd>
        </>
      )}
    </dl>
  );
}

/** The record's details, in the store's time zone. */
export function RecordDetail({
  detail,
  timeZone,
}: {
  detail: { [k: string]: JsonValue };
  timeZone: string;
}) {
  return <Pairs detail={detail} tz={timeZone} />;
}
