/**
 * The store's time zone: a list with China's zones first, then every other zone, and a search
 * box that narrows it (typing picks the first match: "香港" or "hong" is enough). Under it,
 * the time now in the zone picked, for the manager to check against the shop's clock.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../date-time';
import { FieldMessages } from './form';
import { filterTimeZones, timeZoneOptions } from './time-zone-options';

export function TimeZoneField({
  id,
  value,
  onChange,
  error,
  className,
}: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
  error?: string | undefined;
  className?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [query, setQuery] = useState('');
  // Offsets of today; the list is built once per language (about 400 zones).
  const [at] = useState(() => Date.now());
  // The clock under the list, to check against the shop's: a minute is exact enough.
  const [clock, setClock] = useState(at);
  useEffect(() => {
    const timer = setInterval(() => setClock(Date.now()), 20_000);
    return () => clearInterval(timer);
  }, []);
  const all = useMemo(() => timeZoneOptions(t, lang, at), [t, lang, at]);
  const matches = useMemo(() => filterTimeZones(all, query), [all, query]);
  const selected = all.find((o) => o.zone === value);
  // The zone in force stays in the list while a search hides it (a select shows its value).
  const shown = selected && !matches.includes(selected) ? [selected, ...matches] : matches;
  const common = shown.filter((o) => o.common);
  const others = shown.filter((o) => !o.common);

  function search(text: string) {
    setQuery(text);
    const found = filterTimeZones(all, text);
    const first = found[0];
    if (text.trim() && first && !found.some((o) => o.zone === value)) onChange(first.zone);
  }

  let now: string | undefined;
  try {
    now = dateTime(clock, lang, value);
  } catch {
    now = undefined; // not a zone: the error says so
  }
  const status = query.trim()
    ? matches.length === 0
      ? t('timeZone.noMatch', { query: query.trim() })
      : t('timeZone.matches', { count: matches.length })
    : undefined;

  return (
    <div className={`field tz-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{t('timeZone.label')}</label>
      <div className="tz-picker">
        <input
          id={`${id}-search`}
          type="search"
          aria-label={t('timeZone.search')}
          placeholder={t('timeZone.searchPlaceholder')}
          value={query}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => search(e.target.value)}
          onKeyDown={(e) => {
            // Enter in the search box keeps the zone found rather than submitting the form.
            if (e.key === 'Enter') e.preventDefault();
          }}
        />
        <select
          id={id}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
          onChange={(e) => onChange(e.target.value)}
        >
          {!selected && <option value={value}>{value}</option>}
          {common.length > 0 && (
            <optgroup label={t('timeZone.common')}>
              {common.map((o) => (
                <option key={o.zone} value={o.zone}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          )}
          {others.length > 0 && (
            <optgroup label={t('timeZone.others')}>
              {/* Every other zone by its IANA name (Africa/Abidjan): an id, not translated. */}
              {others.map((o) => (
                <option key={o.zone} value={o.zone} translate="no">
                  {o.label}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </div>
      {status && (
        <small className="field-hint" role="status" data-testid="tz-search-status">
          {status}
        </small>
      )}
      {now && (
        <small className="field-hint" data-testid="tz-now">
          <strong>{t('timeZone.now', { time: now })}</strong>
        </small>
      )}
      <FieldMessages id={id} hint={t('timeZone.hint')} error={error} />
    </div>
  );
}
