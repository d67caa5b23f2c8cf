/**
 * Sandbox mode only: the demo seed's codes as QR codes and barcodes, to scan from the screen
 * with a phone or a USB scanner, or to print. Each shows what the terminal will say about it.
 */
import { toSVG } from 'bwip-js/browser';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DemoCodes } from '../../../../shared/ops/counter';
import { decideVerdict, toneOf, type Tone, type VerdictKind } from '../../../../shared/verdict';
import { UserCardStatus } from '../../../../shared/wechat/enums';
import { api } from '../../api';
import { routeHref } from '../../shell/route';
import { calendarDate } from '../../kit/date-time';
import { warningText } from '../../kit/verdict/verdict-text';
import { useStoreZone, useTerminal } from '../../shell/terminal-context';
import { TrainingPanel } from './TrainingPanel';

type DemoCode = DemoCodes['codes'][number];

function symbolFor(c: DemoCode): { bcid: string; label: string } | undefined {
  if (c.codeType.includes('QRCODE')) return { bcid: 'qrcode', label: 'QR' };
  if (c.codeType.includes('BARCODE')) return { bcid: 'code128', label: 'Code 128' };
  return undefined;
}

function svgDataUrl(c: DemoCode): string | undefined {
  const sym = symbolFor(c);
  if (!sym) return undefined;
  const svg = toSVG({
    bcid: sym.bcid,
    text: c.code,
    scale: 3,
    ...(sym.bcid === 'code128' ? { height: 14, includetext: false } : {}),
    paddingwidth: 4,
    paddingheight: 4,
    backgroundcolor: 'FFFFFF',
  });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * What the counter will say about the code now: the terminal's answer (the counter's own rule,
 * with its store, time zone and accepted custom-code cards); without one, the shared verdict
 * rules for its status, and for a code still NORMAL, where today is in its validity window.
 */
export function expectedVerdict(c: DemoCode): VerdictKind {
  if (c.expect) return c.expect.kind;
  if (c.redeemable) return 'redeemable';
  const status = UserCardStatus.safeParse(c.status);
  if (!status.success) return 'not_allowed';
  if (status.data === 'NORMAL') {
    if (c.position === 'before') return 'not_yet_valid';
    if (c.position === 'after') return 'expired';
  }
  return decideVerdict({
    code: c.code,
    lookup: {
      kind: 'found',
      result: {
        card: { card_id: c.cardId },
        openid: '',
        can_consume: true,
        user_card_status: status.data,
      },
    },
    now: Date.now(),
    timeZone: 'UTC',
  }).kind;
}

/** The notes under a code, in the operator's language, from what the code is now. */
function useNotes() {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  return (c: DemoCode, kind: VerdictKind): string[] => {
    const day = (ms: number) => calendarDate(ms, i18n.language, zone);
    if (kind === 'not_yet_valid') return [t('ui.demo.notes.validFrom', { date: day(c.validFrom) })];
    if (kind === 'expired' && c.status === 'NORMAL') {
      return [t('ui.demo.notes.ended', { date: day(c.validUntil) })];
    }
    if (c.expect?.notAcceptedHere) return [t('ui.demo.notes.notAcceptedHere')];
    if (kind !== 'redeemable') return [];
    const notes: string[] = [];
    if (c.customCode) notes.push(t('ui.demo.notes.customCode'));
    if (c.weekdays.length > 0) {
      notes.push(
        t('ui.demo.notes.weekdays', {
          days: c.weekdays
            .map((d) => t(`verdict.weekday.${d}`, { defaultValue: d }))
            .join(t('ui.demo.notes.listSeparator')),
        }),
      );
    }
    if (c.cardDeleted) notes.push(t('ui.demo.notes.cardDeleted'));
    return notes;
  };
}

/** The symbols are drawn a few at a time after the list is shown, so the screen never sits blank. */
function useSymbols(codes: DemoCode[] | undefined): Map<string, string | undefined> {
  const [images, setImages] = useState(() => new Map<string, string | undefined>());
  useEffect(() => {
    if (!codes) return;
    let cancelled = false;
    let next = 0;
    const step = () => {
      if (cancelled) return;
      const batch = codes.slice(next, next + 6);
      next += batch.length;
      setImages((prev) => {
        const m = new Map(prev);
        for (const c of batch) if (!m.has(c.code)) m.set(c.code, svgDataUrl(c));
        return m;
      });
      if (next < codes.length) timer = window.setTimeout(step, 0);
    };
    let timer = window.setTimeout(step, 0);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [codes]);
  return images;
}

/** The colour of the code's expected verdict: the one rule (shared/verdict.ts). */
function expectedTone(c: DemoCode, kind: VerdictKind): Tone {
  return c.expect?.tone ?? toneOf(kind);
}

export function DemoCodesScreen() {
  const { t, i18n } = useTranslation();
  const manager = useTerminal().session.operator?.role === 'manager';
  const [data, setData] = useState<DemoCodes>();
  const [onlyRedeemable, setOnlyRedeemable] = useState(false);
  const notes = useNotes();
  const images = useSymbols(data?.codes);

  useEffect(() => {
    void api.listDemoCodes({}).then(setData);
  }, []);

  const codes = useMemo(
    () => (data?.codes ?? []).filter((c) => !onlyRedeemable || c.redeemable),
    [data, onlyRedeemable],
  );

  if (data && !data.available) return <p className="panel">{t('ui.demo.liveOnly')}</p>;

  return (
    <section className="demo-codes" aria-busy={!data}>
      <header className="demo-head">
        <div>
          <h1>{t('ui.demo.title')}</h1>
          <p className="muted">{t('ui.demo.intro')}</p>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={onlyRedeemable}
            onChange={(e) => setOnlyRedeemable(e.target.checked)}
          />
          {t('ui.demo.onlyRedeemable')}
        </label>
        <button type="button" className="secondary" onClick={() => window.print()}>
          {t('ui.demo.print')}
        </button>
      </header>
      {manager && data?.available && <TrainingPanel />}
      {!data && (
        <p className="demo-loading muted" role="status" data-testid="demo-loading">
          {t('ui.demo.loading')}
        </p>
      )}
      <ul className="demo-grid" data-testid="demo-grid">
        {codes.map((c) => {
          const drawn = images.has(c.code);
          const img = images.get(c.code);
          const expect = expectedVerdict(c);
          const tone = expectedTone(c, expect);
          return (
            <li
              key={c.code}
              className={`demo-card tone-${tone}`}
              data-testid="demo-card"
              data-code={c.code}
              data-expect={expect}
              data-tone={tone}
            >
              <div className="demo-symbol">
                {!drawn ? (
                  <span className="demo-text">{t('ui.demo.drawing')}</span>
                ) : img ? (
                  <img src={img} alt={`${symbolFor(c)?.label} ${c.code}`} />
                ) : (
                  <span className="demo-text">{t('ui.demo.textOnly')}</span>
                )}
              </div>
              <div className="demo-info">
                <strong data-merchant="">{c.title}</strong>
                <span className="mono">{c.code}</span>
                <span className={`demo-expect tone-${tone}`}>→ {t(`verdict.title.${expect}`)}</span>
                {c.expect?.warnings.map((w) => (
                  <small key={w.kind} className="demo-warning">
                    ⚠ {warningText(w, t, i18n.language)}
                  </small>
                ))}
                {notes(c, expect).map((n) => (
                  <small key={n} className="muted">
                    {n}
                  </small>
                ))}
                {c.expect?.notAcceptedHere && manager && (
                  <a
                    className="demo-fix"
                    data-testid="demo-accept-fix"
                    href={routeHref('office', { view: 'card', id: c.cardId })}
                  >
                    {t('ui.demo.acceptOnCardPage')}
                  </a>
                )}
                <a
                  className="demo-try"
                  href={routeHref('counter', { code: c.code })}
                  aria-label={t('ui.demo.tryAtCounterCode', { code: c.code })}
                >
                  {t('ui.demo.tryAtCounter')}
                </a>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
