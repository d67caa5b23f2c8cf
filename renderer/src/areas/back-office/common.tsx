/**
 * Small parts the back-office views share: errors with their errcode, a card's colour, status
 * and type labels, links between the views, numbers and times in the operator's language, and
 * the CSV download.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import { cssColor } from '../../../../shared/office/card-edit';
import type { Tone } from '../../../../shared/verdict';
import type { CardStatus, CardType } from '../../../../shared/wechat/enums';
import { calendarDate, dateTime } from '../../kit/date-time';
import { useStoreZone } from '../../shell/terminal-context';
import { routeHref } from '../../shell/route';
import { ErrorNotice } from '../../kit/errors/ErrorNotice';

/** The back office's errors: with the "outcome unknown" note and test ids of their own. */
export function ErrorLine({ error, testId }: { error: ErrorInfo; testId?: string }) {
  const { t } = useTranslation();
  return (
    <ErrorNotice
      error={error}
      className="office-error"
      testId={testId ?? 'office-error'}
      errcodeTestId="office-errcode"
      note={error.kind === 'outcome_unknown' && <span>{t('office.unknownNote')}</span>}
    />
  );
}

export function Swatch({ color }: { color: string | undefined }) {
  const css = cssColor(color);
  return (
    <span
      className={`office-swatch${css ? '' : ' is-empty'}`}
      style={css ? { background: css } : undefined}
      aria-hidden="true"
    />
  );
}

/**
 * A card's status in the counter's four colours (shared/verdict.ts): usable green, failed
 * review red, under review or deleted grey (nothing settled to act on). Never amber: amber
 * means "redeemable, check first" on every screen.
 */
const STATUS_TONE: Record<CardStatus, Tone> = {
  CARD_STATUS_NOT_VERIFY: 'neutral',
  CARD_STATUS_VERIFY_FAIL: 'reject',
  CARD_STATUS_VERIFY_OK: 'accept',
  CARD_STATUS_DELETE: 'neutral',
  CARD_STATUS_DISPATCH: 'accept',
};

const STATUS_ICON: Record<CardStatus, string> = {
  CARD_STATUS_NOT_VERIFY: '⏳',
  CARD_STATUS_VERIFY_FAIL: '✕',
  CARD_STATUS_VERIFY_OK: '✓',
  CARD_STATUS_DELETE: '🗑',
  CARD_STATUS_DISPATCH: '✓',
};

/** A card's status: word, icon and colour (never colour alone). */
export function StatusBadge({ status }: { status: CardStatus }) {
  const { t } = useTranslation();
  const tone = STATUS_TONE[status];
  return (
    <span className={`office-status tone-${tone}`} data-status={status} data-tone={tone}>
      <span aria-hidden="true">{STATUS_ICON[status]} </span>
      {t(`office.status.${status}`)}
    </span>
  );
}

export function TypeLabel({ type }: { type: CardType }) {
  const { t } = useTranslation();
  return <span className="office-type">{t(`office.cardType.${type}`)}</span>;
}

export function cardHref(id: string, action?: string): string {
  return routeHref('office', { view: 'card', id, action });
}

export function useFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const zone = useStoreZone();
  const num = new Intl.NumberFormat(lang);
  return {
    lang,
    /** The store's time zone. */
    zone,
    number: (n: number) => num.format(n),
    /** Unix seconds as date and time in the store's time zone. */
    seconds: (s: number, withTime = true) =>
      withTime ? dateTime(s * 1000, lang, zone) : calendarDate(s * 1000, lang, zone),
    list: (items: string[]) => items.join(lang.startsWith('zh') ? '、' : ', '),
  };
}

/** A definition list row that is left out when there is nothing to show. */
export function Row({
  label,
  children,
  testId,
  merchant = false,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  /** The value is the merchant's own text (a card's notice, description...), as written. */
  merchant?: boolean;
}) {
  if (children === undefined || children === null || children === '') return null;
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId} data-merchant={merchant ? '' : undefined}>
        {children}
      </dd>
    </>
  );
}

/** Saves `text` as a file through the browser's download (a Blob, nothing leaves the machine). */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
