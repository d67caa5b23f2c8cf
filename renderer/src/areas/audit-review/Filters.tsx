/**
 * The journal's filters and the range picker the summary shares. Every choice goes into the
 * location (see params.ts): choices apply at once, typed text after a short pause or Enter.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../../../../shared/audit';
import type { RangePreset, ReviewInfo } from '../../../../shared/ops/audit-review';
import { actionName, outcomeName } from './review-text';
import { MultiPick } from './MultiPick';
import type { ReviewParams } from './params';

/** Every action the log writes, including the operator changes of the settings screen. */
const ACTIONS = [...AUDIT_ACTIONS.slice(0, 9), 'operator_change', ...AUDIT_ACTIONS.slice(9)];

export function RangePicker({
  params,
  presets,
  onChange,
}: {
  params: ReviewParams;
  presets: readonly RangePreset[];
  onChange(patch: Partial<ReviewParams>): void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="range-picker">
      <legend>{t('review.range.label')}</legend>
      <div className="segmented" role="radiogroup" aria-label={t('review.range.label')}>
        {presets.map((p) => (
          <button
            key={p}
            type="button"
            role="radio"
            aria-checked={params.range === p}
            className={params.range === p ? 'on' : ''}
            onClick={() => onChange({ range: p })}
          >
            {t(`review.range.${p}`)}
          </button>
        ))}
      </div>
      {params.range === 'custom' && (
        <div className="custom-dates">
          <label>
            {t('review.range.from')}
            <input
              type="date"
              value={params.fromDate ?? ''}
              max={params.toDate}
              onChange={(e) => onChange({ fromDate: e.target.value || undefined })}
            />
          </label>
          <label>
            {t('review.range.to')}
            <input
              type="date"
              value={params.toDate ?? ''}
              min={params.fromDate}
              onChange={(e) => onChange({ toDate: e.target.value || undefined })}
            />
          </label>
        </div>
      )}
    </fieldset>
  );
}

/** A text box whose value is committed after a pause, on Enter or when it loses focus. */
function TextFilter({
  label,
  value,
  onCommit,
  mono,
  name,
}: {
  label: string;
  value: string | undefined;
  onCommit(v: string | undefined): void;
  mono?: boolean;
  name: string;
}) {
  const [local, setLocal] = useState({ source: value, text: value ?? '' });
  // The location changed under us (Back, Clear): show what it says now.
  if (local.source !== value) setLocal({ source: value, text: value ?? '' });
  const timer = useRef<number | undefined>(undefined);
  const commit = (text: string) => {
    window.clearTimeout(timer.current);
    const v = text.trim() ? text : undefined;
    if (v !== value) onCommit(v);
  };
  return (
    <label className="text-filter">
      <span className="field-caption">{label}</span>
      <input
        type="search"
        name={name}
        className={mono ? 'mono' : undefined}
        value={local.text}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => {
          const text = e.target.value;
          setLocal({ source: value, text });
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => commit(text), 600);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(local.text);
        }}
        onBlur={() => commit(local.text)}
      />
    </label>
  );
}

export function JournalFilters({
  info,
  params,
  onChange,
  toolbar,
}: {
  info: ReviewInfo;
  params: ReviewParams;
  /** Applies a change to the filters in the location as they are when it is called. */
  onChange(patch: Partial<ReviewParams>): void;
  /** The journal's count and buttons, on the range's line when the window is short. */
  toolbar?: ReactNode;
}) {
  const { t } = useTranslation();
  const own = info.scope.own;
  const narrowedBy = [
    !!params.operator,
    params.actions.length > 0,
    params.outcomes.length > 0,
    !!params.code,
    !!params.card,
    !!params.text,
  ].filter(Boolean).length;
  const narrowed = narrowedBy > 0;
  const short = useShortWindow();
  const [open, setOpen] = useState(false);
  const collapsed = short && !open;
  return (
    <div
      className={`journal-filters${short ? ' compact' : ''}`}
      role="search"
      aria-label={t('review.filters.label')}
    >
      {(short || !own) && (
        <div className="filter-line">
          {!own && (
            <RangePicker
              params={params}
              presets={['today', 'yesterday', 'week', 'all', 'custom']}
              onChange={onChange}
            />
          )}
          {short && (
            <button
              type="button"
              className="secondary more-filters"
              aria-expanded={open}
              onClick={() => setOpen((o) => !o)}
            >
              {narrowed
                ? t('review.filters.moreCount', { count: narrowedBy })
                : t('review.filters.more')}{' '}
              <span aria-hidden="true">{open ? '▴' : '▾'}</span>
            </button>
          )}
          {short && toolbar}
        </div>
      )}
      {!collapsed && (
        <div className="filter-row">
          {!own && (
            <label className="operator-filter">
              <span className="field-caption">{t('review.filters.operator')}</span>
              <select
                value={params.operator ?? ''}
                onChange={(e) => onChange({ operator: e.target.value || undefined })}
              >
                <option value="">{t('review.filters.anyOperator')}</option>
                {info.operators.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name} ({o.id})
                  </option>
                ))}
                {params.operator && !info.operators.some((o) => o.id === params.operator) && (
                  <option value={params.operator}>{params.operator}</option>
                )}
              </select>
            </label>
          )}
          <MultiPick
            label={t('review.filters.action')}
            anyLabel={t('review.filters.anyAction')}
            options={ACTIONS.map((a) => ({ value: a, label: actionName(a, t) }))}
            value={params.actions}
            onChange={(actions) => onChange({ actions })}
            testId="filter-actions"
          />
          <MultiPick
            label={t('review.filters.outcome')}
            anyLabel={t('review.filters.anyOutcome')}
            options={AUDIT_OUTCOMES.map((o) => ({ value: o, label: outcomeName(o, t) }))}
            value={params.outcomes}
            onChange={(outcomes) => onChange({ outcomes })}
            testId="filter-outcomes"
          />
          <TextFilter
            name="code"
            label={t('review.filters.code')}
            value={params.code}
            mono
            onCommit={(code) => onChange({ code })}
          />
          <TextFilter
            name="card"
            label={t('review.filters.card')}
            value={params.card}
            mono
            onCommit={(card) => onChange({ card })}
          />
          <TextFilter
            name="text"
            label={t('review.filters.text')}
            value={params.text}
            onCommit={(text) => onChange({ text })}
          />
          {narrowed && (
            <button
              type="button"
              className="secondary clear-filters"
              onClick={() =>
                onChange({
                  operator: undefined,
                  actions: [],
                  outcomes: [],
                  code: undefined,
                  card: undefined,
                  text: undefined,
                })
              }
            >
              {t('review.filters.clear')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * A window too short for the filters, the toolbar and ten rows of the journal (a 1024x768
 * till): the filters fold behind one button on the range's line.
 */
export const SHORT_WINDOW = '(max-height: 780px)';

export function useShortWindow(): boolean {
  const [short, setShort] = useState(() => window.matchMedia(SHORT_WINDOW).matches);
  useEffect(() => {
    const mq = window.matchMedia(SHORT_WINDOW);
    const on = () => setShort(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return short;
}
