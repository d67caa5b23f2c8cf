import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { contract } from '../../../../shared/contract';
import { Role } from '../../../../shared/role';
import type { ErrorInfo } from '../../../../shared/errors';
import { PinSchema, type OperatorView } from '../../../../shared/settings';
import { api } from '../../api';
import { focusFirstError, validate, type FieldErrors } from '../../kit/form/form';
import { useStoreZone, useTerminal } from '../../shell/terminal-context';
import { checkPinRepeat, OperatorFields, PinFields } from '../../kit/form/OperatorFields';
import { timeOfDay } from '../../kit/date-time';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';
import { useReportDirty } from './SectionForm';
import { textWith } from '../../kit/text/merchant-text';

type Editing = { id: string; kind: 'role' | 'pin' | 'disable' } | null;
/** What the last change did, shown where it was made: under an operator's row, or in "Add". */
type Feedback = { at: string; text?: ReactNode; error?: ErrorInfo } | null;
const ADD = '\u0000add';
const ROLES = Role.options;

/**
 * The terminal's operators: add, change role, reset PIN, disable or enable. Never delete, so
 * the audit log keeps their names. Disabling looks and feels like the dangerous action it is.
 */
export function OperatorsSection() {
  const { t, i18n } = useTranslation();
  const zone = useStoreZone();
  const { session, refresh } = useTerminal();
  const [operators, setOperators] = useState<OperatorView[] | null>(null);
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const self = session.operator?.id;

  useEffect(() => {
    void api.listOperators({}).then(setOperators, (err: unknown) => setLoadError(caught(err)));
  }, []);

  const role = (r: Role) => t(`ui.roles.${r}`);

  /** Runs one change, shows what happened, and keeps the table in step with the host. */
  async function change(
    at: string,
    call: Promise<OperatorView>,
    done: (op: OperatorView) => ReactNode,
  ) {
    setFeedback(null);
    try {
      const op = await call;
      setOperators((list) =>
        list?.some((o) => o.id === op.id)
          ? list.map((o) => (o.id === op.id ? op : o))
          : [...(list ?? []), op],
      );
      setEditing(null);
      setFeedback({ at: at === ADD ? ADD : op.id, text: done(op) });
      if (op.id === self) await refresh();
      return true;
    } catch (err) {
      setFeedback({ at, error: caught(err) });
      return false;
    }
  }

  function status(o: OperatorView) {
    if (o.disabled)
      return (
        <span className="op-status disabled">
          <span aria-hidden="true">⊘ </span>
          {t('settings.operators.status.disabled')}
        </span>
      );
    if (o.lockedUntil !== undefined)
      return (
        <span className="op-status locked">
          <span aria-hidden="true">◷ </span>
          {t('settings.operators.status.locked', {
            time: timeOfDay(o.lockedUntil, i18n.language, zone, { localeClock: true }),
          })}
        </span>
      );
    return (
      <span className="op-status active">
        <span aria-hidden="true">● </span>
        {t('settings.operators.status.active')}
      </span>
    );
  }

  return (
    <section className="settings-section" aria-labelledby="operators-title">
      <h2 id="operators-title">{t('settings.sections.operators')}</h2>
      <p className="muted section-intro">{t('settings.operators.intro')}</p>
      {loadError && <ErrorNotice error={loadError} />}
      {operators === null && !loadError && <p className="muted">{t('settings.loading')}</p>}
      {operators && (
        <table className="operators-table">
          <thead>
            <tr>
              <th scope="col">{t('setup.fields.operatorId')}</th>
              <th scope="col">{t('setup.fields.name')}</th>
              <th scope="col">{t('settings.operators.role')}</th>
              <th scope="col">{t('settings.operators.statusTitle')}</th>
              <th scope="col">
                <span className="sr-only">{t('settings.operators.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {operators.map((o) => {
              const open = editing?.id === o.id ? editing.kind : null;
              const toggle = (kind: NonNullable<Editing>['kind']) => {
                setFeedback(null);
                setEditing(open === kind ? null : { id: o.id, kind });
              };
              return [
                <tr key={o.id} className={o.disabled ? 'is-disabled' : undefined}>
                  <td>
                    <code>{o.id}</code>
                  </td>
                  <td>
                    <span data-merchant="">{o.name}</span>
                    {o.id === self && (
                      <small className="muted"> {t('settings.operators.you')}</small>
                    )}
                  </td>
                  <td>{role(o.role)}</td>
                  <td>{status(o)}</td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-expanded={open === 'role'}
                        aria-label={t('settings.operators.changeRoleOf', { name: o.name })}
                        onClick={() => toggle('role')}
                      >
                        {t('settings.operators.changeRole')}
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        aria-expanded={open === 'pin'}
                        aria-label={t('settings.operators.resetPinOf', { name: o.name })}
                        onClick={() => toggle('pin')}
                      >
                        {t('settings.operators.resetPin')}
                      </button>
                      {o.lockedUntil !== undefined && o.id !== self && (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('settings.operators.unlockOf', { name: o.name })}
                          onClick={() =>
                            void change(o.id, api.unlockOperator({ id: o.id }), (op) =>
                              textWith(
                                t,
                                'settings.operators.done.unlocked',
                                {},
                                { merchant: { name: op.name } },
                              ),
                            )
                          }
                        >
                          {t('settings.operators.unlock')}
                        </button>
                      )}
                      {o.disabled ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('settings.operators.enableOf', { name: o.name })}
                          onClick={() =>
                            void change(
                              o.id,
                              api.updateOperator({ id: o.id, disabled: false }),
                              (op) =>
                                textWith(
                                  t,
                                  'settings.operators.done.enabled',
                                  {},
                                  { merchant: { name: op.name } },
                                ),
                            )
                          }
                        >
                          {t('settings.operators.enable')}
                        </button>
                      ) : (
                        o.id !== self && (
                          <button
                            type="button"
                            className="danger-outline"
                            aria-expanded={open === 'disable'}
                            aria-label={t('settings.operators.disableOf', { name: o.name })}
                            onClick={() => toggle('disable')}
                          >
                            {t('settings.operators.disable')}
                          </button>
                        )
                      )}
                    </div>
                  </td>
                </tr>,
                open && (
                  <tr key={`${o.id}-editor`} className="editor-row">
                    <td colSpan={5}>
                      {open === 'role' && (
                        <RoleEditor
                          operator={o}
                          onCancel={() => setEditing(null)}
                          onSave={(r) =>
                            change(o.id, api.updateOperator({ id: o.id, role: r }), (op) =>
                              textWith(
                                t,
                                'settings.operators.done.roleChanged',
                                { role: role(op.role) },
                                { merchant: { name: op.name } },
                              ),
                            )
                          }
                        />
                      )}
                      {open === 'pin' && (
                        <PinEditor
                          operator={o}
                          onCancel={() => setEditing(null)}
                          onSave={(pin) =>
                            change(o.id, api.resetPin({ id: o.id, pin }), (op) =>
                              textWith(
                                t,
                                'settings.operators.done.pinReset',
                                {},
                                { merchant: { name: op.name } },
                              ),
                            )
                          }
                        />
                      )}
                      {open === 'disable' && (
                        <div
                          className="confirm-box"
                          role="alertdialog"
                          aria-labelledby={`disable-${o.id}`}
                        >
                          <p id={`disable-${o.id}`}>
                            <span aria-hidden="true">⚠ </span>
                            {t('settings.operators.disableConfirm', { name: o.name, id: o.id })}
                          </p>
                          <div className="confirm-actions">
                            <button
                              type="button"
                              className="danger"
                              onClick={() =>
                                void change(
                                  o.id,
                                  api.updateOperator({ id: o.id, disabled: true }),
                                  (op) =>
                                    textWith(
                                      t,
                                      'settings.operators.done.disabled',
                                      {},
                                      { merchant: { name: op.name } },
                                    ),
                                )
                              }
                            >
                              {t('settings.operators.disableYes', { name: o.name })}
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              autoFocus
                              onClick={() => setEditing(null)}
                            >
                              {t('settings.cancel')}
                            </button>
                          </div>
                        </div>
                      )}
                    </td>
                  </tr>
                ),
                feedback?.at === o.id && (
                  <tr key={`${o.id}-feedback`} className="feedback-row">
                    <td colSpan={5}>
                      <FeedbackLine feedback={feedback} />
                    </td>
                  </tr>
                ),
              ];
            })}
          </tbody>
        </table>
      )}
      <p className="field-hint">{t('settings.operators.roleHelp')}</p>
      {operators && (
        <AddOperator
          feedback={feedback?.at === ADD ? feedback : null}
          onAdd={(input) =>
            change(ADD, api.addOperator(input), (op) =>
              textWith(
                t,
                'settings.operators.done.added',
                { role: role(op.role) },
                { merchant: { name: op.name } },
              ),
            )
          }
        />
      )}
    </section>
  );
}

function RoleEditor({
  operator,
  onSave,
  onCancel,
}: {
  operator: OperatorView;
  onSave: (role: Role) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<Role>(operator.role);
  const [busy, setBusy] = useState(false);
  const id = `role-${operator.id}`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    await onSave(value);
    setBusy(false);
  }
  return (
    <form className="inline-editor" onSubmit={(e) => void submit(e)}>
      <div className="field field--inline">
        <label htmlFor={id}>{t('settings.operators.newRole', { name: operator.name })}</label>
        <select id={id} autoFocus value={value} onChange={(e) => setValue(e.target.value as Role)}>
          <RoleOptions />
        </select>
      </div>
      <div className="confirm-actions">
        <button type="submit" disabled={busy || value === operator.role}>
          {t('settings.operators.saveRole')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('settings.cancel')}
        </button>
      </div>
    </form>
  );
}

function PinEditor({
  operator,
  onSave,
  onCancel,
}: {
  operator: OperatorView;
  onSave: (pin: string) => Promise<boolean>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  useReportDirty(!!(pin || repeat));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const pinId = `pin-${operator.id}`;
  const repeatId = `pin-repeat-${operator.id}`;
  const ids = { pin: pinId, repeat: repeatId };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validate(t, PinSchema, pin, {
      prefix: pinId,
      overrides: { '': 'setup.invalid.pin' },
    }).errors;
    checkPinRepeat(found, ids, { pin, repeat }, t);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found, [pinId, repeatId]);
      return;
    }
    setBusy(true);
    await onSave(pin);
    setBusy(false);
  }

  return (
    <form
      className="inline-editor"
      aria-label={t('settings.operators.newPinFor', { name: operator.name })}
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <p className="editor-title">
        {t('settings.operators.newPinFor', { name: operator.name })}
        {operator.lockedUntil !== undefined && (
          <small className="muted"> {t('settings.operators.unlockHint')}</small>
        )}
      </p>
      <PinFields
        ids={ids}
        fieldClassName="field--inline"
        value={{ pin, repeat }}
        onChange={(p) => {
          if (p.pin !== undefined) setPin(p.pin);
          if (p.repeat !== undefined) setRepeat(p.repeat);
        }}
        errors={errors}
        pinLabel={t('settings.operators.newPin')}
        autoFocus
      />
      <div className="confirm-actions">
        <button type="submit" disabled={busy}>
          {t('settings.operators.savePin')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('settings.cancel')}
        </button>
      </div>
    </form>
  );
}

const EMPTY_OPERATOR = { id: '', name: '', role: 'cashier' as Role, pin: '', repeat: '' };
const ADD_IDS = { id: 'add.id', name: 'add.name', pin: 'add.pin', repeat: 'add.repeat' };
const ADD_ORDER = Object.values(ADD_IDS);

function AddOperator({
  onAdd,
  feedback,
}: {
  feedback: Feedback;
  onAdd: (input: { id: string; name: string; role: Role; pin: string }) => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(EMPTY_OPERATOR);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof EMPTY_OPERATOR>) => setDraft((d) => ({ ...d, ...patch }));
  // A half-filled "add operator" is unsaved work: leaving asks first (the role alone is not).
  useReportDirty(!!(draft.id || draft.name || draft.pin || draft.repeat));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { repeat: _repeat, ...input } = draft;
    const result = validate(t, contract.addOperator.input, input, {
      prefix: 'add.',
      overrides: { id: 'setup.invalid.operatorId', pin: 'setup.invalid.pin' },
    });
    const found = { ...result.errors };
    checkPinRepeat(found, ADD_IDS, draft, t);
    setErrors(found);
    if (!result.ok || Object.keys(found).length > 0) {
      focusFirstError(found, ADD_ORDER);
      return;
    }
    setBusy(true);
    if (await onAdd(result.data)) setDraft(EMPTY_OPERATOR);
    setBusy(false);
  }

  return (
    <form
      className="add-operator"
      aria-labelledby="add-operator-title"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h3 id="add-operator-title">{t('settings.operators.addTitle')}</h3>
      <div className="field-grid">
        <OperatorFields ids={ADD_IDS} value={draft} onChange={set} errors={errors}>
          <div className="field">
            <label htmlFor="add.role">{t('settings.operators.role')}</label>
            <select
              id="add.role"
              value={draft.role}
              onChange={(e) => set({ role: e.target.value as Role })}
            >
              <RoleOptions />
            </select>
          </div>
          <span />
        </OperatorFields>
      </div>
      <div>
        <button type="submit" disabled={busy}>
          {t('settings.operators.addButton')}
        </button>
      </div>
      <FeedbackLine feedback={feedback} />
    </form>
  );
}

function FeedbackLine({ feedback }: { feedback: Feedback }) {
  return (
    <div aria-live="polite">
      {feedback?.text && (
        <p className="saved" data-testid="operators-message">
          <span aria-hidden="true">✓ </span>
          {feedback.text}
        </p>
      )}
      {feedback?.error && <ErrorNotice error={feedback.error} />}
    </div>
  );
}

function RoleOptions() {
  const { t } = useTranslation();
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {t(`ui.roles.${r}`)}
    </option>
  ));
}
