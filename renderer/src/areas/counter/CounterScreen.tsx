/**
 * The counter: scan → verdict → Enter redeems → ready for the next customer, without a click.
 * Scans arrive from the USB scanner (anywhere in the window), the camera, or the code field.
 */
import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type FormEvent,
  type RefObject,
} from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { RedeemOutcome } from '../../../../shared/ops/counter';
import type { ErrorInfo } from '../../../../shared/errors';
import { redeemFailure, writeOutcomeTone, type Verdict } from '../../../../shared/verdict';
import { api } from '../../api';
import { CameraPanel } from '../../scan/CameraPanel';
import { scanBus, type ScanSource } from '../../scan/scan-bus';
import { playSound, prepareSounds } from '../../kit/verdict/sound';
import { VerdictPanel } from '../../kit/verdict/VerdictPanel';
import { errorText } from '../../i18n';
import { useStoreZone, useTerminal } from '../../shell/terminal-context';
import { useRoute } from '../../shell/route';
import { caught } from '../../kit/errors/ErrorNotice';
import { timeOfDay } from '../../kit/date-time';
import { fixedText } from '../../kit/text/fixed-text';
import { listenerSet } from '../../kit/listeners';

/** The camera's panel has no props: the counter's phases never re-render it. */
const Camera = memo(CameraPanel);

type Phase =
  | { k: 'idle' }
  | { k: 'checking'; code: string }
  | { k: 'verdict'; verdict: Verdict }
  | { k: 'redeeming'; verdict: Verdict }
  | { k: 'redeemed'; verdict: Verdict; at: number }
  | { k: 'unknown'; verdict: Verdict; nonce?: string | undefined; error?: ErrorInfo }
  | { k: 'refused'; verdict: Verdict; outcome: RedeemOutcome }
  | { k: 'error'; error: ErrorInfo };

/**
 * The phase on screen, kept outside React state: a new phase re-renders the verdict area
 * (VerdictArea) alone, not the whole counter with its hooks, and the callbacks read the phase
 * as it is now, not as it was at their last render.
 */
interface PhaseStore {
  get(): Phase;
  set(next: Phase): void;
  subscribe(listener: () => void): () => void;
}

function phaseStore(): PhaseStore {
  let phase: Phase = { k: 'idle' };
  const { subscribe, notify } = listenerSet();
  return {
    get: () => phase,
    set(next) {
      phase = next;
      notify();
    },
    subscribe,
  };
}

export function CounterScreen() {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  const { config, pending } = useTerminal();
  const [phases] = useState(phaseStore);
  const input = useRef<HTMLInputElement>(null);
  const busy = useRef(false);
  const checkOnly = config.scan.mode === 'check_only';

  const redeem = useCallback(
    async (verdict: Verdict) => {
      if (busy.current || verdict.kind !== 'redeemable' || checkOnly) return;
      busy.current = true;
      phases.set({ k: 'redeeming', verdict });
      try {
        const out = await api.redeemCode({
          code: verdict.code,
          ...(verdict.cardId ? { cardId: verdict.cardId } : {}),
        });
        if (out.outcome === 'redeemed') {
          scanBus.touch(verdict.code);
          flushSync(() => phases.set({ k: 'redeemed', verdict, at: out.at }));
          playSound('accept', config.sound);
        } else if (out.outcome === 'unknown') {
          phases.set({ k: 'unknown', verdict, nonce: out.nonce });
          playSound('warning', config.sound);
        } else {
          // The big box says what happened to the redemption, never the green it had before.
          // busy: this redemption was not sent (an earlier write of the code is unsettled); the
          // host's verdict says why, and without one it is "not redeemed", never the old green.
          const shown =
            out.outcome === 'busy'
              ? (out.verdict ?? redeemFailure('failed', verdict, undefined, out.error))
              : redeemFailure(out.outcome, verdict, out.verdict, out.error);
          phases.set({ k: 'refused', verdict: shown, outcome: out });
          playSound('reject', config.sound);
        }
      } catch (err) {
        // No answer from the terminal's host: the redemption may have been sent. Unknown, as a
        // lost answer is: the pending list settles it; nothing invites a second try.
        phases.set({ k: 'unknown', verdict, error: caught(err) });
        playSound('warning', config.sound);
      } finally {
        busy.current = false;
        input.current?.focus();
      }
    },
    [checkOnly, config.sound, phases],
  );

  const lookUp = useCallback(
    async (code: string, source: ScanSource) => {
      if (busy.current) return; // a redemption is running: repeat scans are ignored
      busy.current = true;
      phases.set({ k: 'checking', code });
      let verdict: Verdict | undefined;
      try {
        verdict = await api.lookupCode({ code, source });
        // On screen now, before the sound is set up and before any other queued work: the
        // verdict is what the cashier is waiting for (bench:lookup's render phase). Only the
        // verdict area renders.
        const shown = verdict;
        flushSync(() => phases.set({ k: 'verdict', verdict: shown }));
        playSound(
          verdict.tone === 'accept' ? 'accept' : verdict.tone === 'warning' ? 'warning' : 'reject',
          config.sound,
        );
      } catch (err) {
        phases.set({ k: 'error', error: caught(err) });
        playSound('reject', config.sound);
      } finally {
        busy.current = false;
      }
      // "Redeem on scan" redeems a clean green verdict at once; amber still needs the cashier.
      if (
        verdict?.kind === 'redeemable' &&
        verdict.tone === 'accept' &&
        config.scan.mode === 'redeem_on_scan'
      ) {
        await redeem(verdict);
      }
    },
    [config.scan.mode, config.sound, phases, redeem],
  );

  useEffect(() => scanBus.listen((code, source) => void lookUp(code, source)), [lookUp]);
  // The sounds rendered before the first verdict needs one (sound.ts); again only when the
  // volume changes, not with each refresh of the terminal's state (a new, equal object).
  const { muted, volume } = config.sound;
  useEffect(() => prepareSounds({ muted, volume }), [muted, volume]);

  // "Try at the counter" on a demo code: #/counter?code=… looks it up once, as if typed.
  const [route, go] = useRoute();
  const tryCode = route.params.get('code');
  useEffect(() => {
    if (!tryCode) return;
    go('counter', undefined, true);
    scanBus.submit(tryCode, 'manual');
  }, [tryCode, go]);

  const clear = useCallback(() => {
    if (busy.current) return;
    phases.set({ k: 'idle' });
    if (input.current) input.current.value = '';
    scanBus.forget();
    input.current?.focus();
  }, [phases]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        clear();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [clear]);

  // Enter on an empty field redeems the green verdict on screen (the phase at the key press).
  const enterOnEmpty = useCallback(() => {
    const p = phases.get();
    if (p.k === 'verdict') void redeem(p.verdict);
  }, [phases, redeem]);
  const checkAgain = useCallback((code: string) => void lookUp(code, 'manual'), [lookUp]);

  const lang = i18n.language;

  return (
    <section className="counter">
      <Camera />
      <ScanForm input={input} onEnterOnEmpty={enterOnEmpty} />

      {pending && pending.recentlySettled.length > 0 && (
        <ul className="settled-list" data-testid="settled-list" aria-live="polite">
          {pending.recentlySettled.slice(0, 3).map((s) => (
            <li key={s.nonce}>
              {s.state === 'redeemed'
                ? t('ui.counter.settledRedeemed', {
                    code: s.code,
                    time: timeOfDay(s.at, lang, zone),
                  })
                : t('ui.counter.settledNotRedeemed', { code: s.code })}
            </li>
          ))}
        </ul>
      )}

      <VerdictArea
        phases={phases}
        checkOnly={checkOnly}
        onRedeem={redeem}
        onCheckAgain={checkAgain}
      />
    </section>
  );
}

/**
 * The verdict area: what the scan's phase shows (the verdict, a redemption's outcome, or the
 * hint) and the buttons that go with it. Its own component, subscribed to the phase, so a
 * verdict renders this and nothing else of the counter.
 */
function VerdictArea({
  phases,
  checkOnly,
  onRedeem,
  onCheckAgain,
}: {
  phases: PhaseStore;
  checkOnly: boolean;
  onRedeem: (verdict: Verdict) => Promise<void>;
  onCheckAgain: (code: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  const { pending } = useTerminal();
  const phase = useSyncExternalStore(phases.subscribe, phases.get);
  const lang = i18n.language;
  // The settlement of the intent on screen, once the terminal has it from WeChat.
  const settledNow =
    phase.k === 'unknown'
      ? pending?.recentlySettled.find((x) => x.nonce === phase.nonce)
      : undefined;
  const canRedeem = phase.k === 'verdict' && phase.verdict.kind === 'redeemable' && !checkOnly;

  return (
    <>
      <div className="verdict" data-testid="verdict" aria-live="polite">
        {phase.k === 'idle' && <p className="hint">{fixedText(lang, 'ui.counter.ready')}</p>}
        {phase.k === 'checking' && <p className="hint">{fixedText(lang, 'ui.counter.checking')}</p>}
        {phase.k === 'verdict' && <VerdictPanel verdict={phase.verdict} checkOnly={checkOnly} />}
        {phase.k === 'redeeming' && (
          <VerdictPanel
            verdict={phase.verdict}
            checkOnly={checkOnly}
            hint={fixedText(lang, 'ui.counter.redeeming')}
          />
        )}
        {phase.k === 'redeemed' && (
          <VerdictPanel
            verdict={phase.verdict}
            checkOnly={checkOnly}
            done
            title={fixedText(lang, 'ui.counter.redeemed')}
            hint={t('ui.counter.redeemedAt', { time: timeOfDay(phase.at, lang, zone) })}
          />
        )}
        {phase.k === 'unknown' && !settledNow && (
          <VerdictPanel
            verdict={redeemFailure('unknown', phase.verdict, undefined, phase.error)}
            checkOnly={checkOnly}
          />
        )}
        {phase.k === 'unknown' && settledNow?.state === 'redeemed' && (
          <VerdictPanel
            verdict={{ ...phase.verdict, tone: writeOutcomeTone('redeemed') }}
            checkOnly={checkOnly}
            done
            title={fixedText(lang, 'ui.counter.redeemed')}
            hint={fixedText(lang, 'ui.counter.settledRedeemedHint')}
          />
        )}
        {phase.k === 'unknown' && settledNow?.state === 'not_redeemed' && (
          <VerdictPanel
            verdict={redeemFailure('failed', phase.verdict)}
            checkOnly={checkOnly}
            title={fixedText(lang, 'ui.counter.notRedeemed')}
            hint={fixedText(lang, 'ui.counter.settledNotRedeemedHint')}
          />
        )}
        {phase.k === 'refused' && <VerdictPanel verdict={phase.verdict} checkOnly={checkOnly} />}
        {phase.k === 'error' && (
          <div className="verdict-panel tone-neutral" role="alert">
            <h2 className="verdict-word">{fixedText(lang, 'verdict.title.could_not_check')}</h2>
            <p className="verdict-hint">{errorText(phase.error)}</p>
            {phase.error.errcode !== undefined && (
              <small>{t('ui.app.errcode', { errcode: phase.error.errcode })}</small>
            )}
          </div>
        )}
      </div>

      {phase.k === 'refused' &&
        (phase.verdict.kind === 'redeem_failed' || phase.verdict.kind === 'redeem_refused') && (
          // What the cashier can do next: read the code's state again (never a blind redo).
          <button
            type="button"
            className="secondary check-again"
            data-testid="check-again"
            onClick={() => phase.k === 'refused' && onCheckAgain(phase.verdict.code)}
          >
            {fixedText(lang, 'ui.counter.checkAgain')}
          </button>
        )}
      {canRedeem && (
        <button
          type="button"
          // Amber: redeemable once the cashier has checked what the panel lists.
          className={`redeem-button tone-${phase.k === 'verdict' ? phase.verdict.tone : 'accept'}`}
          data-testid="redeem-button"
          onClick={() => phase.k === 'verdict' && void onRedeem(phase.verdict)}
        >
          {fixedText(lang, 'ui.counter.redeemButton')}
        </button>
      )}
    </>
  );
}

/**
 * The code field. Its own component, memoised and uncontrolled, so a verdict re-renders none
 * of it: React writing a focused input's value back on every render was the largest single
 * cost of putting a verdict on screen (bench:lookup's render phase).
 */
const ScanForm = memo(function ScanForm({
  input,
  onEnterOnEmpty,
}: {
  input: RefObject<HTMLInputElement | null>;
  onEnterOnEmpty: () => void;
}) {
  const { t } = useTranslation();
  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    // The field itself: typed, pasted, or handed on by the scanner hook (use-wedge-scanner.ts).
    const field = e.currentTarget.elements.namedItem('code') as HTMLInputElement;
    const text = field.value;
    if (text.trim()) {
      field.value = '';
      scanBus.submit(text, 'manual');
    } else {
      onEnterOnEmpty();
    }
  }
  return (
    <form className="scan-form" onSubmit={submit}>
      <label htmlFor="scan-input">{t('ui.counter.scanLabel')}</label>
      <div className="scan-row">
        <input
          id="scan-input"
          name="code"
          ref={input}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          defaultValue=""
          placeholder={t('ui.counter.scanPlaceholder')}
        />
        <button type="submit" className="secondary">
          {t('ui.counter.lookUp')}
        </button>
      </div>
      <p className="keys muted">{t('ui.counter.keys')}</p>
    </form>
  );
});
