/**
 * Refunds: check the code, choose a reason, have a supervisor authorise, confirm deliberately
 * (a separate dialog; Enter never invalidates), see the result. Supervisors also see the
 * outbox queue with retry and cancel.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import {
  REFUND_REASONS,
  type InvalidateOutcome,
  type OutboxItem,
  type RefundPreview,
} from '../../../../shared/ops/refunds';
import { noteBytesLeft } from '../../../../shared/refund-reason';
import { roleAllows } from '../../../../shared/settings';
import { writeOutcomeTone } from '../../../../shared/verdict';
import { api } from '../../api';
import { scanBus } from '../../scan/scan-bus';
import { VerdictPanel } from '../../kit/verdict/VerdictPanel';
import { errorText } from '../../i18n';
import { useStoreZone, useTerminal } from '../../shell/terminal-context';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { dateTime } from '../../kit/date-time';
import { textWith } from '../../kit/text/merchant-text';

type Reason = (typeof REFUND_REASONS)[number];

/**
 * Invalidation is for codes not yet used. For these the refund screen says at once what a
 * supervisor can and cannot do, and offers no invalidation (WeChat would refuse it after the
 * reason, the note and the confirmation, or it would change nothing).
 */
const NOT_INVALIDATABLE = ['already_redeemed', 'expired', 'invalidated', 'deleted'] as const;
type NotInvalidatable = (typeof NOT_INVALIDATABLE)[number];
const notInvalidatable = (kind: string): kind is NotInvalidatable =>
  (NOT_INVALIDATABLE as readonly string[]).includes(kind);

/**
 * A queued refund's reason and note under its code: wraps between words (English) or
 * characters (Chinese), never inside an English word; an unbroken run too long for the column
 * (a pasted reference) is cut with an ellipsis, the whole text on hover.
 */
function ReasonLine({ reason, note }: { reason: string; note?: string | null }) {
  const { i18n } = useTranslation();
  const sep = i18n.language.startsWith('zh') ? '：' : ': ';
  const full = [reason, note].filter(Boolean).join(sep);
  if (!full) return null;
  return (
    <small className="muted outbox-reason" title={full} data-testid="outbox-reason">
      {reason}
      {reason && note ? sep : ''}
      {note && (
        <span data-merchant>
          {note.split(/(\s+)/).map((part, i) =>
            /^[\x21-\x7e]{18,}$/.test(part) ? (
              <span key={i} className="outbox-long">
                {part}
              </span>
            ) : (
              part
            ),
          )}
        </span>
      )}
    </small>
  );
}

export function RefundScreen() {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  const { session, refresh } = useTerminal();
  const isSupervisor = !!session.operator && roleAllows(session.operator.role, 'supervisor');
  const [code, setCode] = useState('');
  const [preview, setPreview] = useState<RefundPreview>();
  const [checking, setChecking] = useState(false);
  const [reason, setReason] = useState<Reason>('customer_refund');
  const [note, setNote] = useState('');
  const [supId, setSupId] = useState('');
  const [supPin, setSupPin] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<InvalidateOutcome>();
  const [error, setError] = useState<ErrorInfo>();
  const [queueVersion, setQueueVersion] = useState(0);
  const codeRef = useRef<HTMLInputElement>(null);
  const lang = i18n.language;

  const check = useCallback(async (raw: string) => {
    setChecking(true);
    setError(undefined);
    setResult(undefined);
    setPreview(undefined);
    try {
      const p = await api.refundPreview({ code: raw });
      setPreview(p);
      setCode(p.verdict.code || raw.trim());
    } catch (err) {
      setError(caught(err));
    } finally {
      setChecking(false);
    }
  }, []);

  // Scans arrive here while this screen is open.
  useEffect(() => scanBus.listen((c) => void check(c)), [check]);

  function reset() {
    setCode('');
    setPreview(undefined);
    setResult(undefined);
    setError(undefined);
    setNote('');
    setSupId('');
    setSupPin('');
    setConfirming(false);
    setUnderstood(false);
    scanBus.forget();
    codeRef.current?.focus();
  }

  async function invalidate() {
    if (!preview || !understood) return;
    setBusy(true);
    setError(undefined);
    try {
      const out = await api.invalidateCode({
        code: preview.verdict.code,
        ...(preview.verdict.cardId ? { cardId: preview.verdict.cardId } : {}),
        reason,
        note,
        ...(!isSupervisor ? { supervisor: { id: supId, pin: supPin } } : {}),
        confirmed: true,
      });
      setResult(out);
      setConfirming(false);
      setQueueVersion((v) => v + 1);
      void refresh();
      if (out.outcome === 'invalidated' || out.outcome === 'rejected') {
        // The big box shows the code's new state, as WeChat now sees it.
        void api
          .refundPreview({ code: preview.verdict.code })
          .then(setPreview)
          .catch(() => undefined);
      }
    } catch (err) {
      setError(caught(err));
      setConfirming(false);
    } finally {
      setBusy(false);
      setUnderstood(false);
      setSupPin('');
    }
  }

  function submitCode(e: FormEvent) {
    e.preventDefault();
    if (code.trim()) void check(code);
  }

  const v = preview?.verdict;
  const canInvalidate =
    !!v &&
    !result &&
    !preview?.queued &&
    v.kind !== 'invalid_scan' &&
    v.kind !== 'unknown_code' &&
    !notInvalidatable(v.kind) &&
    v.kind !== 'write_pending';
  // Offline (the state could not be checked): the invalidation may still be queued; the
  // terminal reads the code's state before it is sent.
  const uncheckedQueue = !!v && v.kind === 'could_not_check';
  const needsNote = reason === 'other' && !note.trim();
  const bytesLeft = noteBytesLeft(reason, note);
  const needsSupervisor = !isSupervisor && (!supId.trim() || !/^\d{4,8}$/.test(supPin));

  return (
    <section className="refunds">
      <div className="refund-flow">
        <h1>{t('refunds.title')}</h1>
        <p className="muted">{t('refunds.intro')}</p>
        <form className="scan-row" onSubmit={submitCode}>
          <label className="grow">
            {t('refunds.codeLabel')}
            <input
              ref={codeRef}
              autoFocus
              autoComplete="off"
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <button type="submit" className="secondary align-end" disabled={checking}>
            {checking ? t('refunds.checking') : t('refunds.check')}
          </button>
        </form>

        {error && <ErrorNotice error={error} look="line" />}

        {v && (
          <div className="refund-preview" data-testid="refund-preview">
            {v && !result && notInvalidatable(v.kind) && (
              <div className="refund-blocked" role="note" data-testid="refund-blocked">
                <p className="refund-blocked-title">
                  <span aria-hidden="true">⊘ </span>
                  {t(`refunds.blocked.${v.kind}.title`)}
                </p>
                <p>
                  <strong>{t('refunds.blocked.can')}</strong>
                  {t(`refunds.blocked.${v.kind}.can`)}
                </p>
                <p>
                  <strong>{t('refunds.blocked.cannot')}</strong>
                  {t(`refunds.blocked.${v.kind}.cannot`)}
                </p>
              </div>
            )}
            <VerdictPanel verdict={v} checkOnly size="medium" />
            <p className="refund-history" data-testid="refund-history">
              {preview?.redeemedHere
                ? textWith(
                    t,
                    'refunds.redeemedHere',
                    { time: dateTime(preview.redeemedHere.at, lang, zone) },
                    { merchant: { name: preview.redeemedHere.operatorName } },
                  )
                : t('refunds.notRedeemedHere')}
            </p>
            {uncheckedQueue && !result && (
              <p className="refund-unchecked" data-testid="refund-unchecked">
                {t('refunds.uncheckedQueue')}
              </p>
            )}
            {preview?.queued && (
              <p className="form-error">
                {t('refunds.alreadyQueued', { state: t(`refunds.states.${preview.queued.state}`) })}
              </p>
            )}
          </div>
        )}

        {canInvalidate && (
          <div className="refund-form panel">
            <fieldset className="reasons">
              <legend>{t('refunds.reasonLabel')}</legend>
              {REFUND_REASONS.map((r) => (
                <label key={r} className="check">
                  <input
                    type="radio"
                    name="reason"
                    value={r}
                    checked={reason === r}
                    onChange={() => setReason(r)}
                  />
                  {t(`refunds.reasons.${r}`)}
                </label>
              ))}
            </fieldset>
            <label>
              {t('refunds.noteLabel')}
              <input
                value={note}
                aria-describedby="note-bytes"
                aria-invalid={bytesLeft < 0}
                onChange={(e) => setNote(e.target.value)}
              />
              <small
                id="note-bytes"
                data-testid="note-bytes"
                className={bytesLeft < 0 ? 'form-error' : 'muted'}
              >
                {bytesLeft < 0
                  ? t('refunds.noteTooLong', { over: -bytesLeft })
                  : t('refunds.noteBytes', { left: bytesLeft, chars: Math.floor(bytesLeft / 3) })}
              </small>
            </label>
            {!isSupervisor && (
              <fieldset className="supervisor">
                <legend>{t('refunds.supervisorTitle')}</legend>
                <p className="muted">{t('refunds.supervisorHint')}</p>
                <div className="row">
                  <label>
                    {t('refunds.supervisorId')}
                    <input
                      value={supId}
                      autoComplete="off"
                      onChange={(e) => setSupId(e.target.value)}
                    />
                  </label>
                  <label>
                    {t('refunds.supervisorPin')}
                    <input
                      type="password"
                      inputMode="numeric"
                      autoComplete="off"
                      maxLength={8}
                      value={supPin}
                      onChange={(e) => setSupPin(e.target.value.replace(/\D/g, ''))}
                    />
                  </label>
                </div>
              </fieldset>
            )}
            <button
              type="button"
              className="danger big"
              disabled={needsNote || needsSupervisor || bytesLeft < 0}
              onClick={() => setConfirming(true)}
            >
              {t('refunds.invalidate')}
            </button>
          </div>
        )}

        {result && (
          <div
            className={`refund-result tone-${writeOutcomeTone(result.outcome)}`}
            role="status"
            data-testid="refund-result"
            data-outcome={result.outcome}
          >
            <p>
              {t(`refunds.outcome.${result.outcome}`, {
                reason: result.error ? errorText(result.error) : '',
              })}
            </p>
            <button type="button" className="secondary" onClick={reset}>
              {t('refunds.newRefund')}
            </button>
          </div>
        )}
      </div>

      {isSupervisor ? (
        <OutboxQueue version={queueVersion} />
      ) : (
        <p className="muted">{t('refunds.supervisorOnlyQueue')}</p>
      )}

      {confirming && v && (
        <div className="dialog-backdrop">
          <div
            className="dialog danger-dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="confirm-title"
            // Enter must never invalidate: only a deliberate click on the button does.
            onKeyDown={(e) => {
              if (e.key === 'Enter') e.preventDefault();
              if (e.key === 'Escape') setConfirming(false);
            }}
          >
            <h2 id="confirm-title">{t('refunds.confirmTitle')}</h2>
            <p>{t('refunds.confirmText', { code: v.code })}</p>
            <label className="check">
              <input
                type="checkbox"
                checked={understood}
                autoFocus
                onChange={(e) => setUnderstood(e.target.checked)}
              />
              {t('refunds.confirmCheck')}
            </label>
            <div className="row">
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('refunds.cancel')}
              </button>
              <button
                type="button"
                className="danger"
                disabled={!understood || busy}
                onClick={() => void invalidate()}
              >
                {t('refunds.confirmButton')}
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function OutboxQueue({ version }: { version: number }) {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [showClosed, setShowClosed] = useState(false);
  const [cancelling, setCancelling] = useState<number>();
  const [why, setWhy] = useState('');
  const [error, setError] = useState<ErrorInfo>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let stop = false;
    const load = () =>
      api
        .listOutbox({ includeClosed: showClosed })
        .then((x) => !stop && setItems(x))
        .catch((err: unknown) => !stop && setError(caught(err)));
    void load();
    const timer = window.setInterval(load, 3_000);
    return () => {
      stop = true;
      window.clearInterval(timer);
    };
  }, [showClosed, version, tick]);

  const act = (p: Promise<unknown>) =>
    p
      .then(() => {
        setCancelling(undefined);
        setWhy('');
        setTick((x) => x + 1);
      })
      .catch((err: unknown) => setError(caught(err)));

  return (
    <div className="outbox panel" data-testid="outbox">
      <div className="row spread">
        <h2>{t('refunds.queueTitle')}</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={showClosed}
            onChange={(e) => setShowClosed(e.target.checked)}
          />
          {t('refunds.showClosed')}
        </label>
      </div>
      {error && <ErrorNotice error={error} look="line" />}
      {items.length === 0 ? (
        <p className="muted">{t('refunds.queueEmpty')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('refunds.columns.code')}</th>
              <th>{t('refunds.columns.state')}</th>
              <th>{t('refunds.columns.attempts')}</th>
              <th>{t('refunds.columns.lastError')}</th>
              <th>{t('refunds.columns.nextTry')}</th>
              <th>{t('refunds.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((it) => (
              <tr key={it.id} data-testid={`outbox-${it.code}`} data-state={it.state}>
                <td className="outbox-what">
                  <span className="mono" translate="no">
                    {it.code}
                  </span>
                  <ReasonLine
                    reason={it.reasonKey ? t(`refunds.reasons.${it.reasonKey}`) : ''}
                    note={it.note}
                  />
                </td>
                <td className="outbox-state">{t(`refunds.states.${it.state}`)}</td>
                <td>{it.attempts}</td>
                <td className="outbox-error">{it.lastError ? errorText(it.lastError) : '—'}</td>
                <td>{it.nextAt ? dateTime(it.nextAt, i18n.language, zone) : '—'}</td>
                <td>
                  {(it.state === 'checking' || it.state === 'sending') && (
                    <small className="muted">{t('refunds.inFlight')}</small>
                  )}
                  {it.state === 'settling' && (
                    <div className="row">
                      <small className="muted">{t('refunds.inFlight')}</small>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void act(api.retryOutbox({ id: it.id }))}
                      >
                        {t('refunds.retryNow')}
                      </button>
                    </div>
                  )}
                  {it.cancellable && (
                    <div className="row">
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => void act(api.retryOutbox({ id: it.id }))}
                      >
                        {t('refunds.retryNow')}
                      </button>
                      {cancelling === it.id ? (
                        <>
                          <input
                            aria-label={t('refunds.cancelWhy')}
                            placeholder={t('refunds.cancelWhy')}
                            value={why}
                            onChange={(e) => setWhy(e.target.value)}
                          />
                          <button
                            type="button"
                            className="danger"
                            disabled={why.trim().length < 3}
                            onClick={() => void act(api.cancelOutbox({ id: it.id, why }))}
                          >
                            {t('refunds.cancelConfirm')}
                          </button>
                        </>
                      ) : (
                        <button
                          type="button"
                          className="danger"
                          onClick={() => setCancelling(it.id)}
                        >
                          {t('refunds.cancelItem')}
                        </button>
                      )}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
