/**
 * card/update: the fields the reference lets this card type change, each with its limit, and
 * before sending, the list of changes with the ones that send the card back to review marked
 * (the reference's "Review Required" column). Only changed fields are sent: passing a review
 * field, even unchanged, would send the card to review. Whether WeChat sent the card back to
 * review (its send_check) is said in words.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  buildUpdate,
  CARD_COLORS,
  CUSTOM_FIELD_NAME_TYPES,
  draftFromCard,
  editableFields,
  isFixedRange,
  PART_LIMITS,
  UPDATABLE_CODE_TYPES,
  utf8Bytes,
  type Change,
  type DraftValue,
  type EditField,
  type EditProblem,
} from '../../../../shared/office/card-edit';
import { addDays, platformDate } from '../../../../shared/office/date-rules';
import { cardBody, type Card } from '../../../../shared/wechat/card';
import { api } from '../../api';
import { ErrorLine, Swatch, useFormat } from './common';
import { caught } from '../../kit/errors/ErrorNotice';

const GROUPS = ['look', 'receiving', 'type', 'links'] as const;
type Group = (typeof GROUPS)[number];
const LINK_FIELDS = new Set([
  'center_title',
  'center_sub_title',
  'center_url',
  'custom_url_name',
  'custom_url',
  'custom_url_sub_title',
  'promotion_url_name',
  'promotion_url',
  'promotion_url_sub_title',
]);
const RECEIVING_FIELDS = new Set([
  'get_limit',
  'can_share',
  'can_give_friend',
  'location_id_list',
  'date_info',
]);

/** The form's sections: what the card shows, receiving and use, the type's own, entries. */
function groupOf(spec: EditField): Group {
  if (spec.where === 'type') return 'type';
  if (LINK_FIELDS.has(spec.name)) return 'links';
  if (RECEIVING_FIELDS.has(spec.name)) return 'receiving';
  return 'look';
}

function problemText(t: TFunction, p: EditProblem): string {
  return p.problem === 'too_long'
    ? t('office.problem.too_long', { max: p.max, chinese: Math.floor(p.max / 3) })
    : t(`office.problem.${p.problem}`);
}

export function EditCardPanel({
  card,
  onChanged,
}: {
  card: Card;
  onChanged: (card: Card) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [draft, setDraft] = useState<Record<string, DraftValue>>(() => draftFromCard(card));
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const [result, setResult] = useState<{
    sendCheck: boolean;
    settled: boolean;
    fields: string[];
  }>();
  const b = cardBody(card).base_info;
  const built = buildUpdate(card, draft);
  const problems = new Map<string, EditProblem>();
  for (const p of built.problems) if (!problems.has(p.field)) problems.set(p.field, p);
  const reviewChanges = built.changes.filter((c) => c.review);
  const canSend =
    built.ok && built.changes.length > 0 && (reviewChanges.length === 0 || understood) && !busy;

  const set = (name: string, value: DraftValue) => {
    setDraft((d) => ({ ...d, [name]: value }));
    setResult(undefined);
    setError(undefined);
  };

  async function send() {
    if (!built.ok || !built.fields) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.officeUpdateCard({
        cardId: b.id,
        cardType: card.card_type,
        fields: built.fields as Record<string, unknown>,
        ...(b.update_time !== undefined ? { basedOn: b.update_time } : {}),
      });
      setResult({
        sendCheck: r.sendCheck,
        settled: r.settled === true,
        fields: built.changes.map((c) => c.field),
      });
      setDraft(draftFromCard(r.card));
      setUnderstood(false);
      onChanged(r.card);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  const fields = editableFields(card.card_type).filter(
    (f) => f.kind !== 'validity' || isFixedRange(card),
  );
  return (
    <section className="office-panel" aria-labelledby="edit-title" data-testid="edit-panel">
      <h3 id="edit-title">{t('office.edit.title')}</h3>
      <p className="muted">{t('office.edit.intro')}</p>
      {!isFixedRange(card) && <p className="field-hint">{t('office.edit.validityFixed')}</p>}
      {GROUPS.map((group) => {
        const mine = fields.filter((f) => groupOf(f) === group);
        if (mine.length === 0) return null;
        return (
          <section key={group} className="edit-group" aria-labelledby={`edit-group-${group}`}>
            <h4 id={`edit-group-${group}`}>
              {group === 'type'
                ? t('office.edit.groups.type', { type: t(`office.cardType.${card.card_type}`) })
                : t(`office.edit.groups.${group}`)}
            </h4>
            <div className="edit-grid">
              {mine.map((spec) => (
                <FieldEditor
                  key={spec.name}
                  spec={spec}
                  card={card}
                  value={draft[spec.name]!}
                  onChange={(v) => set(spec.name, v)}
                  problems={problems}
                />
              ))}
            </div>
          </section>
        );
      })}

      {/* With a problem to fix the panel stops floating: it must never cover the field. */}
      <div
        className={`edit-summary${problems.size > 0 ? ' has-problems' : ''}`}
        data-testid="edit-summary"
        aria-live="polite"
      >
        <h4>{t('office.edit.changesTitle')}</h4>
        {built.changes.length === 0 ? (
          <p className="muted">{t('office.edit.noChanges')}</p>
        ) : (
          <ul className="change-list">
            {built.changes.map((c) => (
              <li
                key={c.field}
                data-field={c.field}
                className={c.review ? 'needs-review' : undefined}
              >
                <strong>{t(`office.fields.${c.field}`)}</strong>
                {c.review && <span className="review-tag">{t('office.edit.reviewTag')}</span>}
                {/* The values are the merchant's own text (or numbers and dates). */}
                <span className="change-values" data-merchant="">
                  <ChangeValue change={c} which="before" fmtSeconds={fmt.seconds} /> →{' '}
                  <ChangeValue change={c} which="after" fmtSeconds={fmt.seconds} />
                </span>
              </li>
            ))}
          </ul>
        )}
        {reviewChanges.length > 0 && (
          <div className="review-warning" role="alert" data-testid="review-warning">
            <p>
              <strong>⟳ {t('office.edit.reviewWarningTitle')}</strong>
            </p>
            <p>
              {t('office.edit.reviewWarning', {
                fields: fmt.list(reviewChanges.map((c) => t(`office.fields.${c.field}`))),
              })}
            </p>
            <label className="check">
              <input
                type="checkbox"
                checked={understood}
                onChange={(e) => setUnderstood(e.target.checked)}
              />
              {t('office.edit.reviewUnderstood')}
            </label>
          </div>
        )}
        {built.changes.length > 0 && reviewChanges.length === 0 && (
          <p className="office-note ok" data-testid="no-review-note">
            ✓ {t('office.edit.noReview')}
          </p>
        )}
        {problems.size > 0 && <p className="field-error">⚠ {t('office.edit.fixProblems')}</p>}
        <div className="confirm-actions">
          <button type="button" disabled={!canSend} onClick={() => void send()}>
            {busy
              ? t('office.sending')
              : reviewChanges.length
                ? t('office.edit.sendReview')
                : t('office.edit.send')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={busy || built.changes.length === 0}
            onClick={() => {
              setDraft(draftFromCard(card));
              setUnderstood(false);
            }}
          >
            {t('office.edit.undo')}
          </button>
        </div>
      </div>
      {error && <ErrorLine error={error} />}
      {result && (
        <div
          className={`office-result ${result.sendCheck ? 'warn' : 'ok'}`}
          role="status"
          data-testid="edit-result"
          data-send-check={String(result.sendCheck)}
        >
          <p>
            <strong>✓ {t('office.edit.saved')}</strong>{' '}
            {result.sendCheck ? t('office.edit.sentToReview') : t('office.edit.noReviewNeeded')}
          </p>
          {result.settled && <p>{t('office.settledNote')}</p>}
        </div>
      )}
    </section>
  );
}

function ChangeValue({
  change,
  which,
  fmtSeconds,
}: {
  change: Change;
  which: 'before' | 'after';
  fmtSeconds: (s: number, withTime?: boolean) => string;
}) {
  const { t } = useTranslation();
  const v = change[which];
  let text: string;
  if (v === undefined || v === '' || v === null) text = t('office.edit.empty');
  else if (typeof v === 'boolean') text = v ? t('office.yes') : t('office.no');
  else if (change.field === 'location_id_list' && Array.isArray(v))
    text =
      v.length === 0 || (v.length === 1 && v[0] === 0)
        ? t('office.details.noStores')
        : v.join(', ');
  else if (change.field === 'date_info' && typeof v === 'object') {
    const d = v as { begin_timestamp?: number; end_timestamp?: number };
    text =
      d.begin_timestamp !== undefined && d.end_timestamp !== undefined
        ? `${fmtSeconds(d.begin_timestamp)} – ${fmtSeconds(d.end_timestamp)}`
        : JSON.stringify(v);
  } else if (typeof v === 'number' && /_time$/.test(change.field)) text = fmtSeconds(v);
  else if (change.field === 'code_type' && typeof v === 'string') text = t(`office.codeType.${v}`);
  else text = typeof v === 'string' ? v : JSON.stringify(v);
  return (
    <span className={`change-${which}`} title={text}>
      {text.length > 80 ? `${text.slice(0, 80)}…` : text}
    </span>
  );
}

function ByteCounter({ value, max }: { value: string; max: number }) {
  const { t } = useTranslation();
  const used = utf8Bytes(value);
  return (
    <small className={`byte-counter${used > max ? ' over' : ''}`}>
      {t('office.edit.bytes', { used, max })}
    </small>
  );
}

function FieldEditor({
  spec,
  card,
  value,
  onChange,
  problems,
}: {
  spec: EditField;
  card: Card;
  value: DraftValue;
  onChange: (v: DraftValue) => void;
  problems: Map<string, EditProblem>;
}) {
  const { t } = useTranslation();
  const id = `edit-${spec.name}`;
  const problem = problems.get(spec.name);
  const label = (
    <span className="edit-label">
      {t(`office.fields.${spec.name}`)}
      {spec.review && (
        <span className="review-tag" title={t('office.edit.reviewTagHint')}>
          {t('office.edit.reviewTag')}
        </span>
      )}
    </span>
  );
  const err = (p: EditProblem | undefined, forId = id) =>
    p ? (
      <small id={`${forId}-error`} className="field-error" data-testid={`${forId}-error`}>
        ⚠ {problemText(t, p)}
      </small>
    ) : null;
  const text = typeof value === 'string' ? value : '';
  const wide =
    spec.kind === 'textarea' ||
    spec.kind === 'validity' ||
    spec.kind === 'custom_field' ||
    spec.kind === 'custom_cell';

  switch (spec.kind) {
    case 'bool':
      return (
        <div className="field">
          <label className="check" htmlFor={id}>
            <input
              id={id}
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(e.target.checked)}
            />
            {label}
          </label>
        </div>
      );
    case 'color': {
      const options = Object.keys(CARD_COLORS);
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <div className="field-input">
            <Swatch color={text} />
            <select
              id={id}
              value={text}
              onChange={(e) => onChange(e.target.value)}
              aria-invalid={problem ? true : undefined}
            >
              {!options.includes(text) && (
                <option value={text}>
                  {text ? t('office.edit.currentColor', { color: text }) : '—'}
                </option>
              )}
              {options.map((c) => (
                <option key={c} value={c}>
                  {t(`office.colorNames.${c}`, { defaultValue: c })}
                </option>
              ))}
            </select>
          </div>
          {err(problem)}
        </div>
      );
    }
    case 'code_type':
      return (
        <div className="field">
          <label htmlFor={id}>{label}</label>
          <select id={id} value={text} onChange={(e) => onChange(e.target.value)}>
            {!(UPDATABLE_CODE_TYPES as readonly string[]).includes(text) && (
              <option value={text}>{t(`office.codeType.${text}`, { defaultValue: text })}</option>
            )}
            {UPDATABLE_CODE_TYPES.map((c) => (
              <option key={c} value={c}>
                {t(`office.codeType.${c}`)}
              </option>
            ))}
          </select>
          {err(problem)}
        </div>
      );
    case 'validity': {
      const v = value as Record<string, string>;
      const d = cardBody(card).base_info.date_info;
      const beginMax =
        d.type === 'DATE_TYPE_FIX_TIME_RANGE' ? platformDate(d.begin_timestamp) : undefined;
      const endMin =
        d.type === 'DATE_TYPE_FIX_TIME_RANGE' ? platformDate(d.end_timestamp) : undefined;
      return (
        <fieldset className="field span-all validity-field">
          <legend>{label}</legend>
          <small className="field-hint">{t('office.edit.validityHint')}</small>
          <div className="row">
            <div className="field">
              <label htmlFor={`${id}-begin`}>{t('office.edit.validFrom')}</label>
              <input
                id={`${id}-begin`}
                type="date"
                value={v.begin ?? ''}
                max={beginMax}
                onChange={(e) => onChange({ ...v, begin: e.target.value })}
                aria-invalid={problems.get('date_info.begin') ? true : undefined}
              />
              {err(problems.get('date_info.begin'), `${id}-begin`)}
            </div>
            <div className="field">
              <label htmlFor={`${id}-end`}>{t('office.edit.validUntil')}</label>
              <input
                id={`${id}-end`}
                type="date"
                value={v.end ?? ''}
                min={endMin}
                onChange={(e) => onChange({ ...v, end: e.target.value })}
                aria-invalid={problems.get('date_info.end') ? true : undefined}
              />
              {err(problems.get('date_info.end'), `${id}-end`)}
            </div>
            {endMin && (
              <button
                type="button"
                className="secondary align-end"
                onClick={() => onChange({ ...v, end: addDays(endMin, 365) })}
              >
                {t('office.edit.extendYear')}
              </button>
            )}
          </div>
          {err(problem)}
        </fieldset>
      );
    }
    case 'custom_field':
    case 'custom_cell': {
      const v = value as Record<string, string>;
      const parts =
        spec.kind === 'custom_field'
          ? (['name_type', 'name', 'url'] as const)
          : (['name', 'tips', 'url'] as const);
      const limits: Record<string, number> = PART_LIMITS[spec.kind];
      return (
        <fieldset className="field span-all">
          <legend>{label}</legend>
          <div className="row">
            {parts.map((part) => {
              const pid = `${id}-${part}`;
              const pp = problems.get(`${spec.name}.${part}`);
              return (
                <div className="field grow" key={part}>
                  <label htmlFor={pid}>{t(`office.edit.part.${part}`)}</label>
                  {part === 'name_type' ? (
                    <select
                      id={pid}
                      value={v[part] ?? ''}
                      onChange={(e) => onChange({ ...v, [part]: e.target.value })}
                    >
                      <option value="">—</option>
                      {CUSTOM_FIELD_NAME_TYPES.map((n) => (
                        <option key={n} value={n}>
                          {t(`office.nameType.${n}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={pid}
                      value={v[part] ?? ''}
                      onChange={(e) => onChange({ ...v, [part]: e.target.value })}
                      aria-invalid={pp ? true : undefined}
                    />
                  )}
                  {limits[part] !== undefined && (
                    <ByteCounter value={v[part] ?? ''} max={limits[part]} />
                  )}
                  {err(pp, pid)}
                </div>
              );
            })}
          </div>
        </fieldset>
      );
    }
    default: {
      const hint =
        spec.kind === 'url'
          ? t('office.edit.urlHint')
          : spec.kind === 'locations'
            ? t('office.edit.locationsHint')
            : spec.kind === 'datetime'
              ? t('office.edit.datetimeHint')
              : spec.kind === 'int'
                ? t('office.edit.intHint')
                : undefined;
      const common = {
        id,
        value: text,
        'aria-invalid': problem ? true : undefined,
        'aria-describedby': problem ? `${id}-error` : undefined,
      };
      return (
        <div className={`field${wide ? ' span-all' : ''}`}>
          <label htmlFor={id}>{label}</label>
          {spec.kind === 'textarea' ? (
            <textarea
              {...common}
              data-merchant=""
              rows={3}
              onChange={(e) => onChange(e.target.value)}
            />
          ) : (
            <input
              {...common}
              type={spec.kind === 'datetime' ? 'datetime-local' : 'text'}
              inputMode={spec.kind === 'int' ? 'numeric' : undefined}
              onChange={(e) => onChange(e.target.value)}
            />
          )}
          {spec.maxBytes !== undefined && spec.kind !== 'locations' && (
            <ByteCounter value={text} max={spec.maxBytes} />
          )}
          {hint && <small className="field-hint">{hint}</small>}
          {err(problem)}
        </div>
      );
    }
  }
}
