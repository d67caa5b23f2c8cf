import type { Verdict } from '../../../../shared/verdict';
import { valueText, warningText } from './verdict-text';
import { ErrorNotice } from '../errors/ErrorNotice';
import { calendarDate, dateTime, timeOfDay } from '../date-time';
import { useStoreZone } from '../../shell/terminal-context';
import { fixedText } from '../text/fixed-text';
import { textWith } from '../text/merchant-text';
import { translateIn, useLanguage } from '../text/language';

const ICONS: Record<Verdict['tone'], string> = {
  accept: '✓',
  reject: '✕',
  warning: '!',
  neutral: '?',
};

function hintKey(
  v: Verdict,
  checkOnly: boolean,
): { key: string; merchant?: Record<string, string> } {
  if (v.notAcceptedHere) return { key: 'verdict.hint.not_accepted_here' };
  switch (v.kind) {
    case 'redeemable':
      return { key: checkOnly ? 'verdict.hint.redeemable_check_only' : 'verdict.hint.redeemable' };
    case 'already_redeemed':
      return v.redeemedHere
        ? {
            key: v.redeemedHere.settled
              ? 'verdict.hint.already_redeemed_here_settled'
              : 'verdict.hint.already_redeemed_here',
            merchant: { name: v.redeemedHere.operatorName },
          }
        : { key: 'verdict.hint.already_redeemed' };
    case 'write_pending':
      return { key: `verdict.hint.write_pending_${v.pending?.action ?? 'redeem'}` };
    case 'expired':
      return v.window?.end
        ? { key: 'verdict.hint.expired' }
        : { key: 'verdict.hint.expired_nodate' };
    default:
      return { key: `verdict.hint.${v.kind}` };
  }
}

export function VerdictPanel({
  verdict,
  checkOnly,
  title,
  hint,
  size = 'large',
  done = false,
}: {
  verdict: Verdict;
  /**
   * The redemption is done: a solid panel with a stamped seal, unmistakable from a metre away
   * next to "redeemable" (about to), which is an outlined panel with a round tick.
   */
  done?: boolean;
  /** large at the counter; medium on the refund screen; compact in lists (back office). */
  size?: 'large' | 'medium' | 'compact';
  checkOnly: boolean;
  /** Overrides the verdict's word (e.g. "Redeemed" after the redemption). */
  title?: string;
  hint?: string;
}) {
  const lang = useLanguage();
  const t = translateIn(lang);
  const zone = useStoreZone();
  const v = verdict;
  const h = hintKey(v, checkOnly);
  const params: Record<string, string> = {
    ...(v.redeemedHere ? { time: timeOfDay(v.redeemedHere.at, lang, zone) } : {}),
    ...(v.window?.end ? { date: calendarDate(v.window.end, lang, zone) } : {}),
    ...(v.kind === 'not_yet_valid' && v.window?.begin
      ? { date: dateTime(v.window.begin, lang, zone) }
      : {}),
  };
  return (
    <div
      className={`verdict-panel${size === 'large' ? '' : ` verdict-panel--${size}`} tone-${v.tone}${
        done ? ' verdict-panel--done' : ''
      }`}
      data-testid="verdict-panel"
      data-done={done ? 'true' : undefined}
      data-kind={v.kind}
      data-tone={v.tone}
      data-not-accepted={v.notAcceptedHere ? 'true' : undefined}
    >
      <div className="verdict-head">
        <span className={done ? 'verdict-icon verdict-seal' : 'verdict-icon'} aria-hidden="true">
          {done ? '✔✔' : ICONS[v.tone]}
        </span>
        <div>
          <h2 className="verdict-word" data-testid="verdict-word">
            {title ?? fixedText(lang, `verdict.title.${v.kind}`)}
          </h2>
          <p className="verdict-hint" data-testid="verdict-hint">
            {hint ?? textWith(t, h.key, params, { merchant: h.merchant })}
          </p>
        </div>
      </div>
      {v.card?.value && (
        <p className="verdict-value" data-testid="verdict-value">
          {valueText(v.card.value, t, lang)}
        </p>
      )}
      {v.warnings.length > 0 && (
        <ul className="verdict-warnings" data-testid="verdict-warnings">
          {v.warnings.map((w, i) => (
            <li key={i} className={`warning-${w.kind}`}>
              ⚠ {warningText(w, t, lang)}
            </li>
          ))}
        </ul>
      )}
      <dl className="verdict-details">
        {v.card && (
          <>
            <dt>{fixedText(lang, 'verdict.label.card')}</dt>
            <dd data-testid="verdict-title">
              <span className="swatch" style={{ background: v.card.color ?? 'transparent' }} />
              <span data-merchant="">{v.card.title}</span>{' '}
              <small data-merchant="">· {v.card.brand}</small>
            </dd>
          </>
        )}
        {v.window && (v.window.begin || v.window.end) && (
          <>
            <dt>{fixedText(lang, 'verdict.label.window')}</dt>
            <dd data-testid="verdict-window">
              {v.window.begin ? dateTime(v.window.begin, lang, zone) : '…'} –{' '}
              {v.window.end ? dateTime(v.window.end, lang, zone) : '…'}
            </dd>
          </>
        )}
        {v.card?.notice && (
          <>
            <dt>{fixedText(lang, 'verdict.label.notice')}</dt>
            <dd data-merchant="">{v.card.notice}</dd>
          </>
        )}
        <dt>{fixedText(lang, 'verdict.label.code')}</dt>
        <dd data-testid="verdict-code" className="mono">
          {v.code || v.read}
          {v.owner && (
            <small>
              {' '}
              · {fixedText(lang, 'verdict.label.owner')} {v.owner}
            </small>
          )}
        </dd>
      </dl>
      {v.error && <ErrorNotice error={v.error} look="verdict" />}
    </div>
  );
}
