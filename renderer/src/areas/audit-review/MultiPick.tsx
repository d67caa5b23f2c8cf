/**
 * A compact multiple choice: a button that says what is chosen ("All actions", "Redeem",
 * "3 selected") and opens a list of check boxes. Keyboard: Enter/Space opens, Tab moves through
 * the boxes, Esc closes and returns focus to the button.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface MultiPickProps {
  label: string;
  /** What the button says when nothing is chosen (no narrowing). */
  anyLabel: string;
  options: { value: string; label: string }[];
  value: string[];
  onChange(next: string[]): void;
  testId?: string;
}

export function MultiPick({ label, anyLabel, options, value, onChange, testId }: MultiPickProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const popId = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const chosen = options.filter((o) => value.includes(o.value));
  const summary =
    chosen.length === 0
      ? anyLabel
      : chosen.length <= 2
        ? chosen.map((o) => o.label).join(t('review.filters.listSeparator'))
        : t('review.filters.selected', { count: chosen.length });

  return (
    <div className="multipick" ref={box} data-testid={testId}>
      <span className="field-caption">{label}</span>
      <button
        ref={button}
        type="button"
        className={`multipick-button${chosen.length ? ' narrowed' : ''}`}
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={popId}
        aria-label={`${label}: ${summary}`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="multipick-summary">{summary}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="multipick-pop" id={popId} role="group" aria-label={label}>
          {options.map((o) => (
            <label key={o.value} className="check">
              <input
                type="checkbox"
                checked={value.includes(o.value)}
                onChange={(e) =>
                  onChange(
                    e.target.checked
                      ? options
                          .map((x) => x.value)
                          .filter((v) => v === o.value || value.includes(v))
                      : value.filter((v) => v !== o.value),
                  )
                }
              />
              <span>{o.label}</span>
            </label>
          ))}
          <div className="multipick-foot">
            <button type="button" className="secondary" onClick={() => onChange([])}>
              {anyLabel}
            </button>
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                button.current?.focus();
              }}
            >
              {t('review.filters.done')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
