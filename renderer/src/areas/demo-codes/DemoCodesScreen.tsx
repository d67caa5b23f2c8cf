/**
 * Sandbox mode only: the demo seed's codes as QR codes and barcodes, to scan from the screen
 * with a phone or a USB scanner, or to print. Each shows what the terminal will say about it.
 */
import { toSVG } from 'bwip-js/browser';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DemoCodes } from '../../../../shared/ops/counter';
import { decideVerdict, type VerdictKind } from '../../../../shared/verdict';
import { UserCardStatus } from '../../../../shared/wechat/enums';
import { api } from '../../api';

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

/** What the counter will say about a code that is not redeemable: the shared verdict rules. */
function expectedVerdict(c: DemoCode): VerdictKind {
  const status = UserCardStatus.safeParse(c.status);
  if (!status.success) return 'not_allowed';
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

export function DemoCodesScreen() {
  const { t } = useTranslation();
  const [data, setData] = useState<DemoCodes>();
  const [onlyRedeemable, setOnlyRedeemable] = useState(false);

  useEffect(() => {
    void api.listDemoCodes({}).then(setData);
  }, []);

  const codes = useMemo(
    () => (data?.codes ?? []).filter((c) => !onlyRedeemable || c.redeemable),
    [data, onlyRedeemable],
  );

  if (data && !data.available) return <p className="panel">{t('ui.demo.liveOnly')}</p>;

  return (
    <section className="demo-codes">
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
      <ul className="demo-grid" data-testid="demo-grid">
        {codes.map((c) => {
          const img = svgDataUrl(c);
          const expect = c.redeemable ? 'redeemable' : expectedVerdict(c);
          return (
            <li key={c.code} className={`demo-card ${c.redeemable ? 'ok' : 'not-ok'}`}>
              <div className="demo-symbol">
                {img ? (
                  <img src={img} alt={`${symbolFor(c)?.label} ${c.code}`} />
                ) : (
                  <span className="demo-text">{t('ui.demo.textOnly')}</span>
                )}
              </div>
              <div className="demo-info">
                <strong>{c.title}</strong>
                <span className="mono">{c.code}</span>
                <span className={`demo-expect ${c.redeemable ? 'ok' : 'not-ok'}`}>
                  → {t(`verdict.title.${expect}`)}
                </span>
                <small className="muted">{c.note}</small>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
