import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Settings } from '../../../../shared/settings';
import { api } from '../../api';
import { FieldMessages, validate } from '../../kit/form/form';
import { SectionForm, type SectionProps } from './SectionForm';

const CardIds = Settings.shape.customCodeCardIds.unwrap();
const CardId = CardIds.element;
/** As in Settings.customCodeCardIds (the schema checks it again on Save). */
const MAX_IDS = 100;

/** The card_ids of the merchant's custom-code cards, tried for codes WeChat does not know. */
export function CardIdsSection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const saved = view.settings.customCodeCardIds;
  const [ids, setIds] = useState<string[]>(saved);
  const [adding, setAdding] = useState('');
  const [addError, setAddError] = useState<string | undefined>();
  const dirty = JSON.stringify(ids) !== JSON.stringify(saved);
  /** Ids added and ids removed since the last save. */
  const changes =
    ids.filter((id) => !saved.includes(id)).length + saved.filter((id) => !ids.includes(id)).length;

  /** Adds every line of the box; reports the first line that cannot be added. */
  function add() {
    const lines = adding
      .split(/[\r\n,;\s]+/)
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) {
      setAddError(t('settings.cardIds.nothing'));
      return;
    }
    const next = [...ids];
    const rejected: string[] = [];
    let problem: string | undefined;
    for (const line of lines) {
      const valid = validate(t, CardId, line);
      if (!valid.ok) {
        problem ??= t('settings.cardIds.badId', { id: line.slice(0, 40) });
        rejected.push(line);
      } else if (next.includes(valid.data)) {
        problem ??= t('settings.cardIds.duplicate', { id: valid.data });
      } else if (next.length >= MAX_IDS) {
        problem ??= t('setup.invalid.tooMany', { max: MAX_IDS });
        rejected.push(line);
      } else next.push(valid.data);
    }
    setIds(next);
    setAdding(rejected.join('\n'));
    setAddError(problem);
  }

  function save() {
    setAddError(undefined);
    const result = validate(t, CardIds, ids);
    if (!result.ok) {
      setAddError(Object.values(result.errors)[0]);
      return null;
    }
    return api.updateSettings({ customCodeCardIds: result.data });
  }

  return (
    <SectionForm
      id="cardIds"
      title={t('settings.sections.cardIds')}
      intro={t('settings.cardIds.intro')}
      dirty={dirty}
      save={save}
      onSaved={onSaved}
    >
      {/* The count is what the terminal uses: the saved ids, never ones added but not saved. */}
      <h3 className="list-title" data-testid="card-id-count" data-count={saved.length}>
        {t('settings.cardIds.listTitle', { n: saved.length })}
      </h3>
      {dirty && (
        <p className="unsaved" data-testid="card-id-pending">
          {t('settings.cardIds.pending', { count: changes })}
        </p>
      )}
      {ids.length === 0 ? (
        <p className="muted empty-list">{t('settings.cardIds.empty')}</p>
      ) : (
        <ul className="id-list" data-testid="card-id-list">
          {ids.map((id) => (
            <li key={id}>
              <code>{id}</code>
              {!saved.includes(id) && (
                <span className="not-saved">{t('settings.cardIds.notSaved')}</span>
              )}
              <button
                type="button"
                className="secondary"
                aria-label={t('settings.cardIds.removeOne', { id })}
                onClick={() => setIds((list) => list.filter((x) => x !== id))}
              >
                {t('settings.cardIds.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor="cardIds.add">{t('settings.cardIds.add')}</label>
        <textarea
          id="cardIds.add"
          rows={3}
          value={adding}
          spellCheck={false}
          aria-invalid={addError ? true : undefined}
          aria-describedby="cardIds.add-hint cardIds.add-error"
          onChange={(e) => setAdding(e.target.value)}
        />
        <FieldMessages id="cardIds.add" hint={t('settings.cardIds.addHint')} error={addError} />
      </div>
      <div>
        <button type="button" className="secondary" onClick={add}>
          {t('settings.cardIds.addButton')}
        </button>
      </div>
    </SectionForm>
  );
}
